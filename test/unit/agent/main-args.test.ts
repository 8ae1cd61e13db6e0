import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_CONFIG_FILE } from '../../../agent/config.js';
import { parseMainArgs } from '../../../agent/main-args.js';

describe('parseMainArgs (lean agent entry, same spellings as outpost)', () => {
  it.each([
    [['agent'], { kind: 'agent', config: DEFAULT_AGENT_CONFIG_FILE, once: false }],
    [['agent', '--config', 'a.yaml'], { kind: 'agent', config: 'a.yaml', once: false }],
    [['agent', '-c', 'a.yaml', '--once'], { kind: 'agent', config: 'a.yaml', once: true }],
    [['agent', '--once', '--config=/etc/x.yaml'], { kind: 'agent', config: '/etc/x.yaml', once: true }],
    [['check-config', '--agent', 'a.yaml'], { kind: 'check-config', agent: 'a.yaml' }],
    [['check-config', '--agent=a.yaml'], { kind: 'check-config', agent: 'a.yaml' }],
    [['check-config'], { kind: 'check-config' }],
    [['--version'], { kind: 'version' }],
    [['-V'], { kind: 'version' }],
    [[], { kind: 'help' }],
    [['--help'], { kind: 'help' }],
    [['agent', '-h'], { kind: 'help' }],
  ])('%j → %o', (args, expected) => expect(parseMainArgs(args)).toEqual(expected));

  it.each([
    [['collector'], "unknown command 'collector' (commands: agent, check-config)"],
    [['--verbose'], "unknown option '--verbose'"],
    [['agent', '--confg', 'a.yaml'], "unknown option '--confg' for 'agent'"],
    [['agent', 'extra'], "too many arguments for 'agent': 'extra'"],
    [['agent', '--config'], "option '--config <file>' argument missing"],
    [['agent', '--config='], "option '--config <file>' argument missing"],
    [['agent', '-c', '--once'], "option '-c <file>' argument missing"],
    [['check-config', '--agent'], "option '--agent <file>' argument missing"],
    [['check-config', '--all'], "unknown option '--all' for 'check-config'"],
    [['check-config', '--collector', 'c.yaml'], "option '--collector' is not part of the agent: run `outpost check-config --collector <file>`"],
  ])('%j → error %s', (args, message) => expect(parseMainArgs(args)).toEqual({ kind: 'error', message }));
});
