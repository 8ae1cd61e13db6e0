/**
 * Host inventory (hardware, OS, kernel, CPU, memory, disks, IPs, agent version) via systeminformation and
 * node:os. osInfo spawns several processes, so it is read once per agent process. Published retained at
 * connect and whenever the content (hashed without the send time) changes.
 */
import { createHash } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import si from 'systeminformation';
import type { Logger } from '../common/logger.js';
import { PROTOCOL_VERSION, type InventoryMessage } from '../common/protocol.js';
import { OUTPOST_VERSION } from '../common/version.js';

export type InventoryContent = Omit<InventoryMessage, 'sent_at_ms'>;

export function inventoryHash(content: InventoryContent): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

export function createInventoryCollector(agentId: string, hostname: string) {
  let osInfo: Promise<si.Systeminformation.OsData> | null = null;
  return async function collect(): Promise<InventoryContent> {
    osInfo ??= si.osInfo();
    const [os, system, cpu, mem, disks] = await Promise.all([osInfo, si.system(), si.cpu(), si.mem(), si.blockDevices()]);
    const interfaces = Object.entries(networkInterfaces()).map(([name, addresses = []]) => ({
      name,
      mac: addresses[0]?.mac ?? '',
      ipv4: addresses.filter((a) => a.family === 'IPv4').map((a) => a.address),
      ipv6: addresses.filter((a) => a.family === 'IPv6').map((a) => a.address),
    }));
    return {
      v: PROTOCOL_VERSION,
      agent_id: agentId,
      agent_version: OUTPOST_VERSION,
      hostname,
      os: { platform: os.platform, distro: os.distro, release: os.release, kernel: os.kernel, arch: os.arch },
      hardware: { manufacturer: system.manufacturer, model: system.model, serial: system.serial },
      cpu: { model: `${cpu.manufacturer} ${cpu.brand}`.trim(), cores: cpu.cores, physical_cores: cpu.physicalCores },
      memory_bytes: mem.total,
      disks: disks.filter((d) => d.type === 'disk' && d.size > 0).map((d) => ({ device: d.device || `/dev/${d.name}`, type: d.physical, size_bytes: d.size })),
      interfaces,
    };
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
  let publishedHash = '';

  function publishLatest(): void {
    if (!latest || !deps.connected()) return;
    const hash = inventoryHash(latest);
    deps.publish({ ...latest, sent_at_ms: deps.now() }).then(
      () => (publishedHash = hash),
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
      if (inventoryHash(latest) !== publishedHash) publishLatest();
    },
    /** A broker without persistence forgets retained messages: always republish after (re)connecting. */
    onConnect: publishLatest,
  };
}
