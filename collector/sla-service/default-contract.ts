/**
 * The quick start's contract: with no `sla.contracts` configured, `outpost up` (and the report CLI reading the same
 * database) adds a contract `default` covering every target, on the default policy, 99.9 %, 24x7 — so
 * `outpost report sla --contract default` has something to report a minute after `npm start`. A config with
 * contracts is left alone.
 */
import type { CollectorConfig } from '../config.js';
import { contractSchema } from '../sla/config.js';

export const DEFAULT_CONTRACT = 'default';

export function withDefaultContract(config: CollectorConfig): { config: CollectorConfig; added: boolean } {
  if (config.sla.contracts.length > 0) return { config, added: false };
  const contract = contractSchema.parse({ name: DEFAULT_CONTRACT, policy: config.sla.default_policy, calendar: '24x7', availability_target: 99.9, members: { all: true } });
  return { config: { ...config, sla: { ...config.sla, contracts: [contract] } }, added: true };
}
