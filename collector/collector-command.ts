/** `outpost collector [--config collector.yaml]`: runs the collector until SIGTERM/SIGINT. */
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { CliError, type CliIo } from '../common/cli.js';
import { formatProblems } from '../common/config.js';
import { createLogger, type Logger } from '../common/logger.js';
import { createCollector, type RunningCollector } from './collector.js';
import { defaultCollectorConfig, validateCollectorConfigFile, type CollectorConfig } from './config.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Loads the config (or the embedded defaults); throws a CliError listing every problem. */
export async function loadCollectorConfig(file: string | undefined, io: CliIo): Promise<CollectorConfig> {
  if (!file) return defaultCollectorConfig();
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  const result = await validateCollectorConfigFile(path, io.env);
  if (!result.ok) {
    io.stderr.write(`${path}:\n${formatProblems(result.problems)}\n`);
    throw new CliError(`invalid collector config ${file}: ${result.problems.length} problem(s)`);
  }
  return result.config;
}

/**
 * SIGHUP: re-reads the config file. A file with problems is refused with every problem logged and the running config
 * stays; otherwise logins and notifications apply at once and keys needing a restart are logged (collector/reload.ts).
 */
export async function reloadFrom(file: string, running: Pick<RunningCollector, 'reload'>, io: CliIo, logger: Logger): Promise<void> {
  const log = logger.child({ component: 'reload' });
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  try {
    const result = await validateCollectorConfigFile(path, io.env);
    if (!result.ok) {
      log.error({ file: path, problems: result.problems.map((p) => `${p.path || '(root)'}: ${p.message}`) }, `config reload refused: ${result.problems.length} problem(s); the running config stays`);
      return;
    }
    const loadedDir = isAbsolute(result.config.data_dir) ? result.config.data_dir : resolve(io.cwd, result.config.data_dir);
    running.reload({ ...result.config, data_dir: loadedDir });
  } catch (error) {
    log.error({ err: error, file: path }, 'config reload failed; the running config stays');
  }
}

export function registerCollectorCommand(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('collector')
    .description('run the collector: MQTT ingest (embedded broker by default), state history, REST API')
    .option('-c, --config <file>', 'collector.yaml (default: embedded defaults)')
    .action(async (opts: { config?: string }) => {
      const config = await loadCollectorConfig(opts.config, io);
      const dataDir = isAbsolute(config.data_dir) ? config.data_dir : resolve(io.cwd, config.data_dir);
      const level = io.env.OUTPOST_LOG_LEVEL ?? 'info';
      const logger = createLogger({ level: (LEVELS.includes(level) ? level : 'info') as LevelWithSilent, name: 'outpost', destination: io.stdout });
      const collector = createCollector({ config: { ...config, data_dir: dataDir }, logger });
      let running;
      try {
        running = await collector.start();
      } catch (error) {
        throw new CliError(`collector failed to start: ${error instanceof Error ? error.message : String(error)}`, 1);
      }
      if (opts.config) {
        const file = opts.config;
        // One reload at a time, in signal order.
        let reloading = Promise.resolve();
        const started = running;
        io.onReloadSignal?.(() => {
          reloading = reloading.then(() => reloadFrom(file, started, io, logger));
        });
      }
      const signal = await new Promise<string>((resolveSignal) => io.onShutdownSignal(resolveSignal));
      logger.info({ signal }, 'shutting down');
      await running.stop();
      result.code = 0;
    });
}
