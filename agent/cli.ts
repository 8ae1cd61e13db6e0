/** Agent commands: `agent`, `agent --once`, `check-config --agent`. (Placeholder, replaced by the agent work.) */
import type { Command } from 'commander';
import type { CliIo } from '../common/cli.js';

export function registerAgentCommands(_program: Command, _io: CliIo, _result: { code: number }): void {}
