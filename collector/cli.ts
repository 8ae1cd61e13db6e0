/** Collector-side commands, one registration function per command group. */
import type { Command } from 'commander';
import type { CliIo } from '../common/cli.js';
import { registerSlaCommands } from './sla/cli.js';
import { registerCollectorCommand } from './collector-command.js';
import { registerIncidentCommands } from './incidents/cli.js';
import { registerMaintenanceCommands } from './sla-service/cli.js';
import { registerReportCommands } from './reports/cli.js';

export function registerCollectorCommands(program: Command, io: CliIo, result: { code: number }): void {
  registerCollectorCommand(program, io, result);
  registerIncidentCommands(program, io, result);
  registerSlaCommands(program, io, result);
  registerMaintenanceCommands(program, io, result);
  registerReportCommands(program, io, result);
}
