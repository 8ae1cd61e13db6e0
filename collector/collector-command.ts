/** `outpost collector [--config collector.yaml]`: runs the collector until SIGTERM/SIGINT. */
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { CliError, type CliIo } from '../common/cli.js';
import { formatProblems } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { createCollector } from './collector.js';
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
      const signal = await new Promise<string>((resolveSignal) => io.onShutdownSignal(resolveSignal));
      logger.info({ signal }, 'shutting down');
      await running.stop();
      result.code = 0;
    });
}
