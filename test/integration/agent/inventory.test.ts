/** The inventory worker as a real child process: the built worker on this machine, and each failure path. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInventoryCollector, parseInventoryFacts, runInventoryWorker } from '../../../agent/inventory.js';
import { inventoryMessageSchema } from '../../../common/protocol.js';
import { buildOnce, ROOT } from './support.js';

const WORKER = join(ROOT, 'dist/agent/inventory-worker.js');
const dir = mkdtempSync(join(tmpdir(), 'outpost-inventory-worker-'));
function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

describe('inventory worker (child process with systeminformation)', () => {
  beforeAll(() => buildOnce(), 180_000);

  it('the built worker yields valid facts for this machine; the collector turns them into a valid inventory message', async () => {
    const facts = parseInventoryFacts(await runInventoryWorker({ workerPath: WORKER }));
    expect(facts.os.platform).toBe('linux');
    expect(facts.cpu.cores).toBeGreaterThan(0);
    expect(facts.memory_bytes).toBeGreaterThan(0);
    const collected = await createInventoryCollector('a1', 'host-1', { workerPath: WORKER })();
    const message = inventoryMessageSchema.parse({ ...collected, sent_at_ms: 1 });
    expect(message).toMatchObject({ agent_id: 'a1', hostname: 'host-1', os: { platform: 'linux' } });
    expect(message.interfaces.some((i) => i.ipv4.includes('127.0.0.1'))).toBe(true);
  }, 60_000);

  it('a worker that fails: the error carries its exit code and stderr', async () => {
    const failing = script('fail.mjs', "process.stderr.write('lsblk: not found\\n'); process.exit(3);\n");
    await expect(runInventoryWorker({ workerPath: failing })).rejects.toThrow('inventory worker failed (exit code 3): lsblk: not found');
  });

  it('a worker that hangs is killed after timeoutMs', async () => {
    const hanging = script('hang.mjs', 'setInterval(() => {}, 1000);\n');
    await expect(runInventoryWorker({ workerPath: hanging, timeoutMs: 300 })).rejects.toThrow('inventory worker failed (killed after 300 ms)');
  });

  it('a worker printing something else fails the collection with the printed text', async () => {
    const chatty = script('chatty.mjs', "console.log('hello');\n");
    await expect(createInventoryCollector('a1', 'h', { workerPath: chatty })()).rejects.toThrow('inventory worker printed no JSON: "hello\\n"');
  });
});
