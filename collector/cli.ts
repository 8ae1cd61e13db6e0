/** Collector-side commands, one registration function per command group. */
import type { Command } from 'commander';
import type { CliIo } from '../common/cli.js';
import { registerSlaCommands } from './sla/cli.js';

export function registerCollectorCommands(program: Command, io: CliIo, result: { code: number }): void {
  registerSlaCommands(program, io, result);
}
