import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import { inventoryMessageSchema, type InventoryMessage } from '../../../common/protocol.js';
import { createInventoryCollector, createInventoryReporter, inventoryHash, type InventoryContent } from '../../../agent/inventory.js';

const logger = createLogger({ level: 'silent' });
const content = (memory: number): InventoryContent => ({
  v: 1,
  agent_id: 'a1',
  agent_version: '0.1.0',
  hostname: 'h',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
  hardware: { manufacturer: 'm', model: 'x', serial: 's' },
  cpu: { model: 'c', cores: 2, physical_cores: 2 },
  memory_bytes: memory,
  disks: [],
  interfaces: [],
});
const settle = () => new Promise((r) => setImmediate(r));

function setup() {
  let memory = 1024;
  let failNext = false;
  const state = { connected: true };
  const published: InventoryMessage[] = [];
  const reporter = createInventoryReporter({
    collect: async () => {
      if (failNext) {
        failNext = false;
        throw new Error('lsblk missing');
      }
      return content(memory);
    },
    connected: () => state.connected,
    publish: async (message) => void published.push(message),
    now: () => 1_763_770_000_000,
    logger,
  });
  return { reporter, published, state, setMemory: (m: number) => (memory = m), failOnce: () => (failNext = true) };
}

describe('inventory reporter', () => {
  it('publishes at start, not again while unchanged, again when it changes', async () => {
    const { reporter, published, setMemory } = setup();
    await reporter.refresh();
    await settle();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ memory_bytes: 1024, sent_at_ms: 1_763_770_000_000 });
    await reporter.refresh();
    await settle();
    expect(published).toHaveLength(1);
    setMemory(2048);
    await reporter.refresh();
    await settle();
    expect(published.map((m) => m.memory_bytes)).toEqual([1024, 2048]);
  });

  it('while disconnected nothing is published; every (re)connect republishes the latest', async () => {
    const { reporter, published, state } = setup();
    state.connected = false;
    await reporter.refresh();
    expect(published).toHaveLength(0);
    state.connected = true;
    reporter.onConnect();
    await settle();
    reporter.onConnect();
    await settle();
    expect(published).toHaveLength(2);
  });

  it('a collection failure is logged and keeps the previous inventory', async () => {
    const { reporter, published, failOnce } = setup();
    await reporter.refresh();
    failOnce();
    await reporter.refresh();
    reporter.onConnect();
    await settle();
    expect(published.map((m) => m.memory_bytes)).toEqual([1024, 1024]);
  });

  it('the hash ignores nothing but sent_at_ms (which is not part of the content)', () => {
    expect(inventoryHash(content(1))).toBe(inventoryHash(content(1)));
    expect(inventoryHash(content(1))).not.toBe(inventoryHash(content(2)));
  });

  it('the real collector (systeminformation + node:os) yields a valid inventory message for this machine', async () => {
    const collected = await createInventoryCollector('a1', 'host-1')();
    const message = inventoryMessageSchema.parse({ ...collected, sent_at_ms: 1 });
    expect(message).toMatchObject({ agent_id: 'a1', hostname: 'host-1', os: { platform: 'linux' } });
    expect(message.cpu.cores).toBeGreaterThan(0);
    expect(message.memory_bytes).toBeGreaterThan(0);
    expect(message.interfaces.some((i) => i.ipv4.includes('127.0.0.1'))).toBe(true);
  });
});
