/**
 * `snmp`: polls one network device (switch, router, firewall, UPS, machine-room sensor) over SNMP v1/v2c/v3.
 * Each device is its own target. Helpers live in ./snmp/: session (net-snmp), system, interfaces + counter
 * math, resources (CPU/memory MIBs), custom OIDs, limiter. See the README check reference (snmp).
 */
import { defineCheck } from '../types.js';
import { snmpSpec } from './config.js';
import { createLimiter, type Limiter } from './limiter.js';
import { createSnmpInstance } from './poll.js';
import { createSnmpClient, type SessionFactory } from './session.js';

/** Devices polled at once by one agent, across all its snmp checks. */
export const DEFAULT_MAX_CONCURRENT_POLLS = 32;

export interface SnmpPluginOptions {
  maxConcurrentPolls?: number;
  /** Injected for tests; defaults to net-snmp. */
  openSession?: SessionFactory;
}

/** The plugin; its closure owns the limiter shared by every snmp check instance it creates. */
export function createSnmpPlugin(options: SnmpPluginOptions = {}) {
  let limiter: Limiter | null = null; // created on first use: an agent without snmp checks never has one
  return defineCheck({
    ...snmpSpec,
    create(cfg, deps) {
      limiter ??= createLimiter(options.maxConcurrentPolls ?? DEFAULT_MAX_CONCURRENT_POLLS);
      return createSnmpInstance(cfg, deps, { client: createSnmpClient(cfg, options.openSession), limiter });
    },
  });
}

export const snmpCheck = createSnmpPlugin();
