/** `outpost sla due|elapsed` (placeholder until the SLA engine lands). */
import type { Command } from 'commander';
import type { CliIo } from '../../common/cli.js';

export function registerSlaCommands(_program: Command, _io: CliIo, _result: { code: number }): void {}
