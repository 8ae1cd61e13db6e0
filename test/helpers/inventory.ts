/** A fixed inventory for in-process agents in tests: skips the systeminformation worker (slow, machine-dependent). */
import type { InventoryContent } from '../../agent/inventory.js';

export async function fixedInventory(): Promise<InventoryContent> {
  return {
    v: 1,
    agent_id: 'x',
    agent_version: 'test',
    hostname: 'h',
    os: { platform: 'linux', distro: 'd', release: 'r', kernel: 'k', arch: 'x64' },
    hardware: { manufacturer: '', model: '', serial: '' },
    cpu: { model: 'cpu', cores: 1, physical_cores: 1 },
    memory_bytes: 1,
    disks: [],
    interfaces: [],
  };
}
