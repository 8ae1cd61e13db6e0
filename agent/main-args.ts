/**
 * Argument parsing for the lean agent entry (dist/agent/main.js). Hand-written instead of commander because
 * commander costs the long-lived agent ~2.5 MiB of RSS for three flags (BENCHMARKS.md "Agent footprint"); the
 * full `outpost` CLI keeps commander. Accepts the same spellings as `outpost agent` / `outpost check-config`.
 * Pure: takes the arguments after `node main.js`.
 */
import { DEFAULT_AGENT_CONFIG_FILE } from './config.js';

export type MainCommand =
  | { kind: 'agent'; config: string; once: boolean }
  | { kind: 'check-config'; agent?: string }
  | { kind: 'version' }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const MAIN_USAGE = `Usage: node main.js <command> [options]

Outpost agent

Commands:
  agent [-c, --config <file>] [--once]   run the monitoring agent until SIGTERM (or every check once with --once)
                                         (default config: ${DEFAULT_AGENT_CONFIG_FILE})
  check-config --agent <file>            validate an agent config file and list every problem
                                         (collector files: outpost check-config --collector <file>)

Options:
  -V, --version                          print the version
  -h, --help                             print this help
`;

/** Splits `--name=value` and takes the value of `--name value`; names the option when the value is missing. */
function takeValue(args: readonly string[], index: number, name: string): { value: string; next: number } | { error: string } {
  const arg = args[index] as string;
  const eq = arg.indexOf('=');
  if (eq >= 0) {
    const value = arg.slice(eq + 1);
    return value === '' ? { error: `option '${name} <file>' argument missing` } : { value, next: index + 1 };
  }
  const value = args[index + 1];
  if (value === undefined || value.startsWith('-')) return { error: `option '${name} <file>' argument missing` };
  return { value, next: index + 2 };
}

function optionName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq >= 0 ? arg.slice(0, eq) : arg;
}

function parseAgent(args: readonly string[]): MainCommand {
  let config = DEFAULT_AGENT_CONFIG_FILE;
  let once = false;
  for (let i = 0; i < args.length; ) {
    const arg = args[i] as string;
    const name = optionName(arg);
    if (arg === '--once') {
      once = true;
      i++;
    } else if (name === '-c' || name === '--config') {
      const taken = takeValue(args, i, name);
      if ('error' in taken) return { kind: 'error', message: taken.error };
      config = taken.value;
      i = taken.next;
    } else if (arg === '-h' || arg === '--help') {
      return { kind: 'help' };
    } else {
      return { kind: 'error', message: arg.startsWith('-') ? `unknown option '${arg}' for 'agent'` : `too many arguments for 'agent': '${arg}'` };
    }
  }
  return { kind: 'agent', config, once };
}

function parseCheckConfig(args: readonly string[]): MainCommand {
  const files: { agent?: string } = {};
  for (let i = 0; i < args.length; ) {
    const arg = args[i] as string;
    const name = optionName(arg);
    if (name === '--agent') {
      const taken = takeValue(args, i, name);
      if ('error' in taken) return { kind: 'error', message: taken.error };
      files.agent = taken.value;
      i = taken.next;
    } else if (name === '--collector') {
      // the agent's entry never loads the collector's config; the full CLI checks both kinds
      return { kind: 'error', message: "option '--collector' is not part of the agent: run `outpost check-config --collector <file>`" };
    } else if (arg === '-h' || arg === '--help') {
      return { kind: 'help' };
    } else {
      return { kind: 'error', message: arg.startsWith('-') ? `unknown option '${arg}' for 'check-config'` : `too many arguments for 'check-config': '${arg}'` };
    }
  }
  return { kind: 'check-config', ...files };
}

export function parseMainArgs(args: readonly string[]): MainCommand {
  const [first, ...rest] = args;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') return { kind: 'help' };
  if (first === '-V' || first === '--version') return { kind: 'version' };
  if (first === 'agent') return parseAgent(rest);
  if (first === 'check-config') return parseCheckConfig(rest);
  return { kind: 'error', message: first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}' (commands: agent, check-config)` };
}
