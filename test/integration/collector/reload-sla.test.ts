/**
 * SIGHUP reloads contracts (`sla`) on a real `outpost collector`: a new contract and its availability target apply
 * at once (availability API, maintenance list), holiday data added for the next 60 days clears the /healthz warning and
 * the outpost_calendar_data_missing gauge, a bad `sla` section is refused with every problem listed and nothing
 * changes; the agent stays connected throughout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../../../common/protocol.js';
import { enrolmentPassword } from '../../../collector/enrolment.js';
import { createSlaSetup, HOLIDAY_LOOKAHEAD_MS, missingHolidayData, slaConfigSchema } from '../../../collector/sla/index.js';
import { OUTPOST_BIN, assertBuilt } from '../../helpers/built.js';
import { freePort } from '../../helpers/ports.js';
import { stopProcess } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/wait.js';
import { publishResult, result, status } from './support.js';

const SECRET = 'reload-sla-secret-0123456789';
const TOKEN = 'token-sla-0123456789abcdef';
let child: ChildProcess | null = null;
const clients: mqtt.MqttClient[] = [];
afterAll(async () => {
  for (const c of clients) c.end(true);
  await stopProcess(child);
});

const GOV = { name: 'gov', policy: 'commitment-004', calendar: '5x8', availability_target: 99.5, members: { targets: ['erp-1'] } };
const SHOP = { name: 'shop', policy: 'contract-003', calendar: '24x7', availability_target: 98, members: { targets: ['web-1'] } };

describe('config reload of contracts (sla) on SIGHUP', () => {
  it('adds a contract and its target, clears the holiday-data warning, refuses a bad sla section; the agent stays connected', async () => {
    assertBuilt();
    // The calendar/year lacking holiday data in the next 60 days on this machine's clock (the collector's check).
    const missing = missingHolidayData(createSlaSetup(slaConfigSchema.parse({ contracts: [GOV] })), Date.now(), Date.now() + HOLIDAY_LOOKAHEAD_MS, [
      { name: 'gov', policy: 'commitment-004', calendar: '5x8', availabilityTarget: 99.5, complianceTarget: null, targets: ['erp-1'], groups: [], all: false, satisfactionTarget: 90 },
    ]);
    expect(missing.length, 'the bundled holiday data covers the next 60 days: pick a later date for this test').toBeGreaterThan(0);
    const years = [...new Set(missing.map((m) => String(m.year)))];

    const dir = mkdtempSync(join(tmpdir(), 'outpost-reload-sla-'));
    const file = join(dir, 'collector.yaml');
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    const base = {
      data_dir: join(dir, 'data'),
      mqtt: { listen: { host: '127.0.0.1', port: mqttPort }, enrolment_secret: SECRET },
      api: { listen: { host: '127.0.0.1', port: apiPort }, tokens: [{ name: 'a', token: TOKEN, role: 'admin' }] },
      sla: { contracts: [GOV] },
    };
    writeFileSync(file, stringify(base));
    let output = '';
    child = spawn(process.execPath, [OUTPOST_BIN, 'collector', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitUntil(() => output.includes('collector started'), 60_000, 'collector started');
    const logLines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const hup = async (what: string, until: (line: Record<string, unknown>) => boolean) => {
      const seen = logLines().length;
      child!.kill('SIGHUP');
      return waitUntil(() => logLines().slice(seen).find(until), 30_000, what);
    };
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const metrics = async () => (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
    const holidayWarnings = async () => ((await get('/healthz')).body.warnings as string[]).filter((w) => w.includes('holiday data'));

    const agent = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      protocolVersion: 4, clientId: 'edge-1', username: 'edge-1', password: enrolmentPassword(SECRET, 'edge-1'), reconnectPeriod: 0, connectTimeout: 5000,
    });
    clients.push(agent);
    let closes = 0;
    agent.on('close', () => closes++);
    await agent.publishAsync(topics.status('edge-1'), JSON.stringify(status('edge-1', 'online', [])), { qos: 1, retain: true });
    await publishResult(agent, result('edge-1', 1, 'ping-web', 'ok', Date.now(), { target: 'web-1', check_type: 'ping' }));
    await publishResult(agent, result('edge-1', 2, 'ping-erp', 'ok', Date.now(), { target: 'erp-1', check_type: 'ping' }));

    // Before: web-1 under no contract (99.9 %), the holiday-data warning and gauge for the 5x8 calendar.
    await waitUntil(async () => (await get('/api/v1/availability?target=web-1')).status === 200, 30_000, 'web-1 known');
    expect((await get('/api/v1/availability?target=web-1')).body).toMatchObject({ contract: null, target_percent: 99.9 });
    expect((await get('/api/v1/availability?target=erp-1')).body).toMatchObject({ contract: 'gov', target_percent: 99.5, calendar: '5x8' });
    expect(await holidayWarnings()).toEqual(missing.map((m) => m.message));
    for (const year of years) expect(await metrics()).toContain(`outpost_calendar_data_missing{calendar="5x8",year="${year}"} 1`);

    // Reload: a new contract for web-1 at 98 %, the missing years' holiday data, a configured maintenance window.
    const holidayData = { cn: Object.fromEntries(years.map((y) => [y, { off: [`${y}-01-01`], work: [] }])) };
    const window = { name: 'erp-patch', targets: ['erp-1'], cron: '0 22 * * 2', duration: '2h' };
    const good = { ...base, sla: { contracts: [GOV, SHOP], holiday_data: holidayData, maintenance: [window] } };
    writeFileSync(file, stringify(good));
    const applied = await hup('sla reloaded', (l) => l.msg === 'config reloaded');
    expect(applied.applied).toEqual(['sla']);
    expect((await get('/api/v1/availability?target=web-1')).body).toMatchObject({ contract: 'shop', target_percent: 98, policy: 'contract-003' });
    expect(await holidayWarnings()).toEqual([]);
    expect(await metrics()).not.toMatch(/outpost_calendar_data_missing\{/);
    expect((await get('/api/v1/maintenance')).body.items).toEqual([expect.objectContaining({ source: 'config', name: 'erp-patch', targets: ['erp-1'] })]);

    // A bad sla section: refused with every problem, nothing changes.
    const bad = { ...base, sla: { contracts: [GOV, { ...SHOP, calendar: 'no-such-calendar', availability_target: 180 }], holiday_data: holidayData, maintenanse: [] } };
    writeFileSync(file, stringify(bad));
    const refused = await hup('bad sla refused', (l) => typeof l.msg === 'string' && l.msg.startsWith('config reload refused'));
    expect(refused.level).toBe(50);
    expect(refused.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sla\.maintenanse: unknown key/),
        expect.stringMatching(/^sla\.contracts\[1\]\.availability_target: /),
      ]),
    );
    expect((await get('/api/v1/availability?target=web-1')).body).toMatchObject({ contract: 'shop', target_percent: 98 });
    expect((await get('/api/v1/maintenance')).body.items).toHaveLength(1);
    expect(await holidayWarnings()).toEqual([]);

    // The agent was never disconnected and still publishes.
    expect(agent.connected).toBe(true);
    expect(closes).toBe(0);
    await publishResult(agent, result('edge-1', 3, 'ping-web', 'crit', Date.now(), { target: 'web-1', check_type: 'ping' }));
    await waitUntil(async () => ((await get('/api/v1/availability?target=web-1')).body.outage_count as number) === 1, 30_000, 'web-1 outage counted');
    expect((await get('/api/v1/agents/edge-1')).body).toMatchObject({ agent_id: 'edge-1', status: 'online' });
  });
});
