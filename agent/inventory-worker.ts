#!/usr/bin/env node
/**
 * Short-lived child process that reads the host facts of the inventory with systeminformation and prints them
 * as one JSON object on stdout (the `InventoryFacts` shape of inventory.ts), then exits. It runs in its own
 * process for footprint: systeminformation's module graph and caches would otherwise stay in the long-lived
 * agent (~4 MiB RSS; BENCHMARKS.md "Agent footprint"). The agent validates the output with the protocol schema.
 * As an entry script it may touch stdout and the exit code; it reads no argv or env.
 */
import si from 'systeminformation';

async function collectHostFacts() {
  // osInfo spawns several processes; once per worker = once per inventory refresh (default every 6 h)
  const [os, system, cpu, mem, disks] = await Promise.all([si.osInfo(), si.system(), si.cpu(), si.mem(), si.blockDevices()]);
  return {
    os: { platform: os.platform, distro: os.distro, release: os.release, kernel: os.kernel, arch: os.arch },
    hardware: { manufacturer: system.manufacturer, model: system.model, serial: system.serial },
    cpu: { model: `${cpu.manufacturer} ${cpu.brand}`.trim(), cores: cpu.cores, physical_cores: cpu.physicalCores },
    memory_bytes: mem.total,
    disks: disks.filter((d) => d.type === 'disk' && d.size > 0).map((d) => ({ device: d.device || `/dev/${d.name}`, type: d.physical, size_bytes: d.size })),
  };
}

// a promise chain, not top-level await: the single-file CommonJS bundle (deploy/package) runs this module too
collectHostFacts().then(
  // exit explicitly: systeminformation may leave handles open that would keep the worker alive
  (facts) => process.stdout.write(`${JSON.stringify(facts)}\n`, () => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(`inventory worker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
