/**
 * Host inventory (hardware, OS, kernel, CPU, memory, disks, IPs, agent version). The hardware facts come from
 * systeminformation run in a short-lived child process (inventory-worker.ts), so the long-lived agent never
 * loads it (footprint; BENCHMARKS.md "Agent footprint"); the child's output is untrusted input, validated by the
 * protocol schema. Interfaces come from node:os. Published retained at connect and whenever the content (serialised
 * without the send time) changes.
 */
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../common/logger.js';
import { inventoryMessageSchema, PROTOCOL_VERSION, type InventoryMessage } from '../common/protocol.js';
import { OUTPOST_VERSION } from '../common/version.js';

export type InventoryContent = Omit<InventoryMessage, 'sent_at_ms'>;

/** What the worker prints: the part of the inventory systeminformation reads. */
export const inventoryFactsSchema = inventoryMessageSchema.pick({ os: true, hardware: true, cpu: true, memory_bytes: true, disks: true });
export type InventoryFacts = ReturnType<typeof inventoryFactsSchema.parse>;

/**
 * What "changed" compares: the content's JSON itself (a few KiB). Not a sha256 of it: the first node:crypto hash
 * initialises OpenSSL in the agent, ~1 MiB of RSS for nothing (BENCHMARKS.md "Agent footprint").
 */
export function inventoryFingerprint(content: InventoryContent): string {
  return JSON.stringify(content);
}

/** Parses the worker's stdout; errors name the offending field. */
export function parseInventoryFacts(stdout: string): InventoryFacts {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new Error(`inventory worker printed no JSON: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const parsed = inventoryFactsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`inventory worker output invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function currentInterfaces(): InventoryMessage['interfaces'] {
  return Object.entries(networkInterfaces()).map(([name, addresses = []]) => ({
    name,
    mac: addresses[0]?.mac ?? '',
    ipv4: addresses.filter((a) => a.family === 'IPv4').map((a) => a.address),
    ipv6: addresses.filter((a) => a.family === 'IPv6').map((a) => a.address),
  }));
}

export interface InventoryWorkerOptions {
  /** Script printing InventoryFacts as JSON; defaults to inventory-worker.js beside this module (dist/). */
  workerPath?: string;
  /** Node binary running the worker. */
  nodePath?: string;
  /** The worker is killed after this long (osInfo can hang on a broken lsb_release/dmidecode). */
  timeoutMs?: number;
}

/** Runs the worker once and resolves with its stdout; rejects with its stderr on failure or timeout. */
export function runInventoryWorker(opts: InventoryWorkerOptions = {}): Promise<string> {
  const workerPath = opts.workerPath ?? fileURLToPath(new URL('./inventory-worker.js', import.meta.url));
  const timeout = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    execFile(opts.nodePath ?? process.execPath, [workerPath], { timeout, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const why = error.killed ? `killed after ${timeout} ms` : `exit code ${String(error.code)}`;
      reject(new Error(`inventory worker failed (${why}): ${stderr.trim().slice(0, 500) || error.message}`));
    });
  });
}

export function createInventoryCollector(agentId: string, hostname: string, opts: InventoryWorkerOptions & { run?: () => Promise<string> } = {}) {
  const run = opts.run ?? (() => runInventoryWorker(opts));
  return async function collect(): Promise<InventoryContent> {
    const facts = parseInventoryFacts(await run());
    return { v: PROTOCOL_VERSION, agent_id: agentId, agent_version: OUTPOST_VERSION, hostname, ...facts, interfaces: currentInterfaces() };
  };
}

export interface InventoryReporterDeps {
  collect: () => Promise<InventoryContent>;
  connected: () => boolean;
  /** Publishes the retained inventory message; resolves on PUBACK. */
  publish: (message: InventoryMessage) => Promise<void>;
  now: () => number;
  logger: Logger;
}

/** Keeps the latest inventory and publishes it at connect and whenever its content changed. */
export function createInventoryReporter(deps: InventoryReporterDeps) {
  let latest: InventoryContent | null = null;
  let publishedFingerprint = '';

  function publishLatest(): void {
    if (!latest || !deps.connected()) return;
    const fingerprint = inventoryFingerprint(latest);
    deps.publish({ ...latest, sent_at_ms: deps.now() }).then(
      () => (publishedFingerprint = fingerprint),
      (error: unknown) => deps.logger.warn({ err: error }, 'inventory publish failed'),
    );
  }

  return {
    /** Re-reads the inventory; publishes only if it differs from what the broker has. */
    async refresh(): Promise<void> {
      try {
        latest = await deps.collect();
      } catch (error) {
        deps.logger.warn({ err: error }, 'inventory collection failed');
        return;
      }
      if (inventoryFingerprint(latest) !== publishedFingerprint) publishLatest();
    },
    /** A broker without persistence forgets retained messages: always republish after (re)connecting. */
    onConnect: publishLatest,
  };
}
