import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import { inventoryMessageSchema, type InventoryMessage } from '../../../common/protocol.js';
import {
  createInventoryCollector,
  createInventoryReporter,
  inventoryFingerprint,
  parseInventoryFacts,
  type InventoryContent,
  type InventoryFacts,
} from '../../../agent/inventory.js';

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

  it('the fingerprint ignores nothing but sent_at_ms (which is not part of the content)', () => {
    expect(inventoryFingerprint(content(1))).toBe(inventoryFingerprint(content(1)));
    expect(inventoryFingerprint(content(1))).not.toBe(inventoryFingerprint(content(2)));
  });

});

const facts: InventoryFacts = {
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' },
  hardware: { manufacturer: 'QEMU', model: 'Standard PC', serial: '-' },
  cpu: { model: 'AMD EPYC', cores: 2, physical_cores: 2 },
  memory_bytes: 25_276_502_016,
  disks: [{ device: '/dev/vda', type: 'HDD', size_bytes: 274_877_906_944 }],
};

describe('inventory worker output (untrusted input from the child process)', () => {
  it('a valid output parses to the facts', () => {
    expect(parseInventoryFacts(`${JSON.stringify(facts)}\n`)).toEqual(facts);
  });

  it('not JSON: the error quotes what was printed', () => {
    expect(() => parseInventoryFacts('Segmentation fault')).toThrow('inventory worker printed no JSON: "Segmentation fault"');
  });

  it('a missing or mistyped field is named with its path', () => {
    const { memory_bytes: _dropped, ...withoutMemory } = facts;
    expect(() => parseInventoryFacts(JSON.stringify(withoutMemory))).toThrow(/^inventory worker output invalid: memory_bytes: /);
    expect(() => parseInventoryFacts(JSON.stringify({ ...facts, cpu: { ...facts.cpu, cores: 'two' } }))).toThrow(/cpu\.cores: /);
    expect(() => parseInventoryFacts(JSON.stringify({ ...facts, extra: 1 }))).toThrow(/\(root\): .*extra/);
  });

  it('the collector adds identity and node:os interfaces; the result is a valid inventory message', async () => {
    const collected = await createInventoryCollector('a1', 'host-1', { run: async () => JSON.stringify(facts) })();
    const message = inventoryMessageSchema.parse({ ...collected, sent_at_ms: 1 });
    expect(message).toMatchObject({ agent_id: 'a1', hostname: 'host-1', ...facts });
    expect(message.interfaces.some((i) => i.ipv4.includes('127.0.0.1'))).toBe(true);
  });

  it('a bad worker output fails the collection; the reporter keeps the previous inventory', async () => {
    let output = JSON.stringify(facts);
    const published: InventoryMessage[] = [];
    const warnings: string[] = [];
    const reporter = createInventoryReporter({
      collect: createInventoryCollector('a1', 'host-1', { run: async () => output }),
      connected: () => true,
      publish: async (m) => void published.push(m),
      now: () => 1,
      logger: { warn: (_o: unknown, msg: string) => void warnings.push(msg) } as unknown as typeof logger,
    });
    await reporter.refresh();
    output = '{"os": 1}';
    await reporter.refresh();
    reporter.onConnect();
    await settle();
    expect(warnings).toEqual(['inventory collection failed']);
    expect(published.map((m) => m.memory_bytes)).toEqual([facts.memory_bytes, facts.memory_bytes]);
  });
});
