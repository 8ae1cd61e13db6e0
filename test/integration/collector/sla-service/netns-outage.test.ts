/**
 * Item 9, end to end with real components: a host in a network namespace pinged every second by a REAL agent
 * (createAgent, system ping) → the collector's embedded broker → state intervals → the availability API. The link is
 * taken down (namespace side only; the guard route keeps every packet on this machine) for a measured period and
 * brought back; the API's downtime must match the measured outage within one check interval plus the ping timeout
 * (confirmations = 1: the first failed run already counts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../../../agent/agent.js';
import { parseAgentConfigText } from '../../../../agent/config.js';
import { createLogger } from '../../../../common/logger.js';
import { createNetnsHost, type NetnsHost } from '../../../helpers/netns.js';
import { rootSkipReason } from '../../../helpers/root.js';
import { waitUntil } from '../../../helpers/wait.js';
import { json, startTestCollector, VIEWER, type TestCollector } from '../support.js';
import { fixedInventory } from '../../../helpers/inventory.js';

const INTERVAL_MS = 1000;
const PACKET_TIMEOUT_MS = 500;
const skip = rootSkipReason('network namespace outage measured through a real agent');

describe.skipIf(skip !== null)('availability of a namespace host measured by a real agent', () => {
  let host: NetnsHost;
  let collector: TestCollector;
  let agent: Agent;

  beforeAll(async () => {
    host = createNetnsHost();
    collector = await startTestCollector({ incidents: { targets: { [host.ip]: { group: 'lab' } } } });
    const parsed = parseAgentConfigText(
      `agent: { id: netns-agent, state_dir: ${mkdtempSync(join(tmpdir(), 'outpost-netns-agent-'))} }
mqtt: { url: "mqtt://127.0.0.1:${collector.running.mqttPort}", reconnect_min: 100ms, reconnect_max: 500ms }
checks:
  - { type: ping, name: gw, host: ${host.ip}, count: 1, packet_timeout: ${PACKET_TIMEOUT_MS}ms, interval: ${INTERVAL_MS}ms, timeout: 900ms }
`,
      {},
      'test-host',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    agent = createAgent({ config: parsed.config, logger: createLogger({ level: 'silent' }), collectInventory: fixedInventory, random: () => 0 });
    await agent.start();
  }, 30_000);

  afterAll(async () => {
    await agent?.stop();
    await collector?.running.stop();
    host?.destroy();
  });

  const current = () => collector.running.intervals.open(collector.running.store.db, 'netns-agent', 'gw');

  it('downtime in the availability API matches the measured outage', async () => {
    await waitUntil(async () => (await current())?.state === 'ok', 30_000, 'ping ok');
    const from = Date.now();
    const upBefore = (await current())?.startMs ?? from;

    const downAt = Date.now();
    host.down();
    const crit = await waitUntil(async () => {
      const open = await current();
      return open?.state === 'crit' ? open : undefined;
    }, 30_000, 'ping crit');
    // Keep it down for a few more failed runs (observed, not slept).
    await waitUntil(async () => ((await collector.running.checks.all(collector.running.store.db)).find((c) => c.checkId === 'gw')?.lastObservedMs ?? 0) >= (crit?.startMs ?? 0) + 3 * INTERVAL_MS, 30_000, 'three more failed runs');
    const upAt = Date.now();
    host.up();
    await waitUntil(async () => (await current())?.state === 'ok', 30_000, 'ping ok again');
    const measuredMs = upAt - downAt;

    const to = Date.now();
    const availability = await json(collector.api(`/api/v1/availability?target=${host.ip}&from=${Math.min(from, upBefore)}&to=${to}`, VIEWER));
    const tolerance = INTERVAL_MS + PACKET_TIMEOUT_MS;
    console.info(`netns outage: measured ${measuredMs} ms, API downtime ${availability.downtime_ms} ms (tolerance ±${tolerance} ms)`);
    expect(availability).toMatchObject({ members: ['netns-agent/gw'], outage_count: 1, unknown_s: 0 });
    expect(Math.abs(availability.downtime_ms - measuredMs)).toBeLessThanOrEqual(tolerance);
    expect(availability.outages[0].causes.length).toBeGreaterThan(0);
    const byGroup = await json(collector.api(`/api/v1/availability?group=lab&from=${Math.min(from, upBefore)}&to=${to}`, VIEWER));
    expect(byGroup.downtime_ms).toBe(availability.downtime_ms);
  }, 90_000);
});
