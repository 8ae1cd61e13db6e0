/**
 * Assembles the single `outpost` command. Each command group lives in its own module and is imported only when
 * it is the command being run (every group for help or an unknown command), so `outpost sla due` does not load
 * SQLite, express, pdfkit or MQTT first.
 */
import { Command, CommanderError } from 'commander';
import { OUTPOST_VERSION } from '../common/version.js';
import { CliError, type CliIo } from '../common/cli.js';

type Register = (program: Command, io: CliIo, result: { code: number }) => void;

/** `agent` with `agent credentials`. */
const agentGroup = async (): Promise<Register> => {
  const [{ registerAgentCommands }, { registerCredentialsCommand }] = await Promise.all([import('../agent/cli.js'), import('./credentials.js')]);
  return (program, io, result) => {
    registerAgentCommands(program, io, result);
    registerCredentialsCommand(program, io, result);
  };
};

/** Command name → the module that registers it. */
const COMMAND_GROUPS: Record<string, () => Promise<Register>> = {
  agent: agentGroup,
  'check-config': async () => (await import('./check-config.js')).registerCheckConfigCommand,
  collector: async () => (await import('../collector/collector-command.js')).registerCollectorCommand,
  incident: async () => (await import('../collector/incidents/cli.js')).registerIncidentCommands,
  sla: async () => (await import('../collector/sla-service/sla-cli.js')).registerSlaCommands,
  maintenance: async () => (await import('../collector/sla-service/cli.js')).registerMaintenanceCommands,
  report: async () => (await import('../collector/reports/cli.js')).registerReportCommands,
  store: async () => (await import('./store.js')).registerStoreCommands,
  up: async () => (await import('./up.js')).registerUpCommand,
  user: async () => (await import('../collector/user-command.js')).registerUserCommands,
};

/** The command word of an argv (after node and the script), skipping global options. */
export function commandWord(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith('-'));
}

/**
 * Builds the commander program for this argv. Each action stores its exit code in `result.code`; the bin exits
 * with it.
 */
export async function buildProgram(io: CliIo, result: { code: number }, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('outpost')
    .description('Outpost: infrastructure monitoring, automated inspection and contract SLA tracking')
    .version(OUTPOST_VERSION, '-V, --version')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError(false);
  const word = commandWord(argv);
  const versionOnly = word === undefined && argv.some((arg) => arg === '-V' || arg === '--version');
  const loaders = versionOnly ? [] : word !== undefined && word !== 'help' && COMMAND_GROUPS[word] ? [COMMAND_GROUPS[word]] : Object.values(COMMAND_GROUPS);
  // each loader runs once
  for (const load of new Set(loaders)) (await load())(program, io, result);
  return program;
}

/**
 * Runs `outpost` for this argv and returns its exit code: the action's code, commander's for usage errors, the
 * CliError's (with its one-line reason on stderr), or 1 for anything unexpected.
 */
export async function runProgram(io: CliIo, argv: readonly string[]): Promise<number> {
  const result = { code: 0 };
  try {
    await (await buildProgram(io, result, argv)).parseAsync([...argv]);
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr.write(`outpost: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
