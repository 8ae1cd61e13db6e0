/** Assembles the single `outpost` command from the agent's and the collector's command sets. */
import { Command } from 'commander';
import { OUTPOST_VERSION } from '../common/version.js';
import type { CliIo } from '../common/cli.js';
import { registerAgentCommands } from '../agent/cli.js';
import { registerCollectorCommands } from '../collector/cli.js';
import { registerUpCommand } from './up.js';

/**
 * Builds the commander program. Each action stores its exit code in `result.code`; the bin exits with it.
 */
export function buildProgram(io: CliIo, result: { code: number }): Command {
  const program = new Command('outpost')
    .description('Outpost: infrastructure monitoring, automated inspection and contract SLA tracking')
    .version(OUTPOST_VERSION, '-V, --version')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError(false);
  registerAgentCommands(program, io, result);
  registerCollectorCommands(program, io, result);
  registerUpCommand(program, io, result);
  return program;
}
