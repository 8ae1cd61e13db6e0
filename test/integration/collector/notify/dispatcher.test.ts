import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NoticeOutcome } from '../../../../collector/events.js';
import { createDispatcher, type DeliveryResult, type Dispatcher } from '../../../../collector/notify/dispatcher.js';
import { notifyConfigSchema } from '../../../../collector/notify/config.js';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { freePort } from '../../../helpers/ports.js';
import { startSmtpServer, type SmtpTestServer } from '../../../helpers/smtp.js';
import { waitUntil } from '../../../helpers/wait.js';
import { sampleNotice, silentLogger } from './fixtures.js';

const DT_SECRET = 'SECdispatcher0123456789';
const FS_SECRET = 'feishu-dispatcher';
let receiver: ImReceiver;
let smtp: SmtpTestServer;
let hanging: Server;
let hangingPort: number;
let closedPort: number;
const dispatchers: Dispatcher[] = [];

beforeAll(async () => {
  receiver = await startImReceiver({
    dingtalk: { accessToken: 'dt', secret: DT_SECRET },
    wecom: { key: 'wk' },
    feishu: { token: 'fs', secret: FS_SECRET },
    webhook: { secret: 'wh' },
  });
  smtp = await startSmtpServer();
  // Accepts connections and never answers: a channel stuck mid-request.
  hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  hangingPort = (hanging.address() as AddressInfo).port;
  closedPort = await freePort();
});

afterAll(async () => {
  for (const d of dispatchers) await d.stop({ deadlineMs: 100 });
  hanging.closeAllConnections();
  await new Promise((resolve) => hanging.close(resolve));
  await receiver.close();
  await smtp.close();
});

function config(extra: Record<string, unknown> = {}) {
  return notifyConfigSchema.parse({
    retry: { attempts: 4, base_delay: '20ms', max_delay: '100ms' },
    channels: {
      'oncall-dingtalk': { type: 'dingtalk', url: receiver.urls.dingtalk, secret: DT_SECRET },
      'ops-wecom': { type: 'wecom', url: receiver.urls.wecom },
      'ops-feishu': { type: 'feishu', url: receiver.urls.feishu, secret: FS_SECRET },
      'email-ops': { type: 'email', host: '127.0.0.1', port: smtp.port, security: 'none', from: 'outpost@example.com', to: ['ops@example.com'] },
      audit: { type: 'webhook', url: receiver.urls.webhook, secret: 'wh' },
      'bad-dingtalk': { type: 'dingtalk', url: receiver.urls.dingtalk, secret: 'SECwrong' },
      'dead-hook': { type: 'webhook', url: `http://127.0.0.1:${closedPort}/hook` },
      'stuck-hook': { type: 'webhook', url: `http://127.0.0.1:${hangingPort}/hook`, timeout: '1m' },
    },
    routes: [
      { severities: ['P1', 'P2'], kinds: ['opened', 'escalated'], channels: ['oncall-dingtalk', 'email-ops'] },
      { severities: ['P3', 'P4'], channels: ['ops-wecom'] },
      { kinds: ['resolved'], channels: ['ops-feishu', 'audit'] },
    ],
    ...extra,
  });
}

function start(extra: Record<string, unknown> = {}) {
  const results: DeliveryResult[] = [];
  const failures: string[] = [];
  const dispatcher = createDispatcher(config(extra), {
    logger: silentLogger,
    now: Date.now,
    onDelivery: (r) => results.push(r),
    onFailure: (channel) => failures.push(channel),
  });
  dispatchers.push(dispatcher);
  return { dispatcher, results, failures };
}

/** Waits until `n` results have been reported, then returns them. */
function resultsFor(results: DeliveryResult[], incidentId: number, n: number): Promise<DeliveryResult[]> {
  return waitUntil(() => {
    const mine = results.filter((r) => r.incidentId === incidentId);
    return mine.length >= n ? mine : undefined;
  }, 20_000, `${n} delivery results for incident ${incidentId}`);
}

describe('notification dispatcher with real receivers', () => {
  it('routes by severity and kind and reports every delivery', async () => {
    const { dispatcher, results, failures } = start();
    const emailsBefore = smtp.messages.length;
    const before = { dt: receiver.accepted('dingtalk').length, wc: receiver.accepted('wecom').length, fs: receiver.accepted('feishu').length, wh: receiver.accepted('webhook').length };

    dispatcher.notify(sampleNotice({}, { id: 101, severity: 'P1' }));
    dispatcher.notify(sampleNotice({}, { id: 102, severity: 'P3' }));
    dispatcher.notify(sampleNotice({ kind: 'acknowledged' }, { id: 103, severity: 'P2' }));
    dispatcher.notify(sampleNotice({ kind: 'resolved' }, { id: 104, severity: 'P2', status: 'resolved' }));

    const p1 = await resultsFor(results, 101, 2);
    const p3 = await resultsFor(results, 102, 1);
    const resolved = await resultsFor(results, 104, 2);
    expect(p1.map((r) => [r.channel, r.ok, r.attempts]).sort()).toEqual([
      ['email-ops', true, 1],
      ['oncall-dingtalk', true, 1],
    ]);
    expect(p3).toMatchObject([{ channel: 'ops-wecom', ok: true, attempts: 1, kind: 'opened', number: 'INC-20261121-0007' }]);
    expect(resolved.map((r) => r.channel).sort()).toEqual(['audit', 'ops-feishu']);
    await dispatcher.stop();
    expect(results.filter((r) => r.incidentId === 103)).toEqual([]); // P2 acknowledged: no route
    expect(failures).toEqual([]);
    expect(receiver.accepted('dingtalk').length - before.dt).toBe(1);
    expect(receiver.accepted('wecom').length - before.wc).toBe(1);
    expect(receiver.accepted('feishu').length - before.fs).toBe(1);
    expect(receiver.accepted('webhook').length - before.wh).toBe(1);
    expect(smtp.messages.length - emailsBefore).toBe(1);
    expect(smtp.messages.at(-1)!.subject).toBe('【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss');
  });

  it('retries with backoff until the receiver recovers (fails the first 2 times)', async () => {
    const { dispatcher, results } = start();
    receiver.failNext('wecom', 2, 'http500');
    dispatcher.notify(sampleNotice({}, { id: 201, severity: 'P4' }));
    const [result] = await resultsFor(results, 201, 1);
    expect(result).toMatchObject({ channel: 'ops-wecom', ok: true, attempts: 3 });
    expect(result!.error).toBeUndefined();
    await dispatcher.stop();
  });

  it('retries a DingTalk rate limit (130101) and an SMTP 451 until they succeed', async () => {
    const { dispatcher, results } = start();
    receiver.failNext('dingtalk', 2, 'vendor');
    smtp.failNext(1);
    dispatcher.notify(sampleNotice({}, { id: 203, severity: 'P1' }));
    const mine = await resultsFor(results, 203, 2);
    expect(mine.find((r) => r.channel === 'oncall-dingtalk')).toMatchObject({ ok: true, attempts: 3 });
    expect(mine.find((r) => r.channel === 'email-ops')).toMatchObject({ ok: true, attempts: 2 });
    await dispatcher.stop();
  });

  it('gives up after the configured attempts and reports the last error', async () => {
    const { dispatcher, results, failures } = start();
    receiver.failNext('feishu', 10, 'vendor');
    dispatcher.notify(sampleNotice({ kind: 'resolved' }, { id: 202, severity: 'P4' }));
    const mine = await resultsFor(results, 202, 3); // P4 resolved: ops-wecom (P3/P4 route) + ops-feishu + audit
    expect(mine.find((r) => r.channel === 'ops-feishu')).toMatchObject({ ok: false, attempts: 4, error: 'Feishu code 9499: too many request' });
    expect(mine.find((r) => r.channel === 'audit')).toMatchObject({ ok: true, attempts: 1 });
    expect(mine.find((r) => r.channel === 'ops-wecom')).toMatchObject({ ok: true, attempts: 1 });
    expect(failures).toEqual(['ops-feishu']);
    receiver.failNext('feishu', 0);
    await dispatcher.stop();
  });

  it('a wrong secret fails at once (no retries) and is counted', async () => {
    const { dispatcher, results, failures } = start();
    dispatcher.notify(sampleNotice({ channels: ['bad-dingtalk'] }, { id: 301 }));
    const [result] = await resultsFor(results, 301, 1);
    expect(result).toMatchObject({ channel: 'bad-dingtalk', ok: false, attempts: 1, error: 'DingTalk errcode 310000: sign not match' });
    expect(failures).toEqual(['bad-dingtalk']);
    await dispatcher.stop();
  });

  it('a dead channel (connection refused) does not delay the others; stop() flushes it', async () => {
    const { dispatcher, results } = start({ retry: { attempts: 3, base_delay: '10m', max_delay: '10m' } });
    dispatcher.notify(sampleNotice({ channels: ['dead-hook', 'ops-wecom', 'email-ops'] }, { id: 401 }));
    const delivered = await resultsFor(results, 401, 2);
    // Both live channels delivered while the dead one sits in a 10-minute backoff.
    expect(delivered.map((r) => [r.channel, r.ok]).sort()).toEqual([
      ['email-ops', true],
      ['ops-wecom', true],
    ]);
    expect(dispatcher.pending()).toBe(1);
    // Shutdown skips the remaining backoff waits: the dead channel uses its last attempts at once and reports.
    await dispatcher.stop({ deadlineMs: 10_000 });
    const dead = results.find((r) => r.channel === 'dead-hook');
    expect(dead).toMatchObject({ incidentId: 401, ok: false, attempts: 3 });
    expect(dead!.error).toBe(`request to 127.0.0.1:${closedPort} failed: ECONNREFUSED`);
  });

  it('stop() deadline aborts a stuck request and drops what is queued, reporting both', async () => {
    const { dispatcher, results } = start();
    dispatcher.notify(sampleNotice({ channels: ['stuck-hook'] }, { id: 501 }));
    dispatcher.notify(sampleNotice({ channels: ['stuck-hook'] }, { id: 502 }));
    await waitUntil(() => dispatcher.pending() === 2, 5_000, 'two pending deliveries');
    await dispatcher.stop({ deadlineMs: 200 });
    expect(results.find((r) => r.incidentId === 501)).toMatchObject({ ok: false, attempts: 1, error: `request to 127.0.0.1:${hangingPort} aborted (shutdown)` });
    expect(results.find((r) => r.incidentId === 502)).toMatchObject({ ok: false, attempts: 0, error: 'dropped at shutdown (flush deadline 200 ms)' });
    // After stop, notices are refused and reported, never thrown.
    dispatcher.notify(sampleNotice({ channels: ['ops-wecom'] }, { id: 503 }));
    expect(results.find((r) => r.incidentId === 503)).toMatchObject({ ok: false, attempts: 0, error: 'dispatcher is stopping' });
  });

  it('settled: once per notice, when every routed channel has its final outcome; dropped at shutdown is not final', async () => {
    const { dispatcher } = start({ queue_size: 1, retry: { attempts: 2, base_delay: '10ms', max_delay: '10ms' } });
    const outcomes = new Map<number, NoticeOutcome[]>();
    const settled = (id: number) => (o: NoticeOutcome) => outcomes.set(id, [...(outcomes.get(id) ?? []), o]);
    // Delivered on one channel, failed after its retries on another: final (the notice is done).
    dispatcher.notify(sampleNotice({ channels: ['ops-wecom', 'dead-hook'] }, { id: 701 }), settled(701));
    // No channel routed (`channels: []` selects none): final at once.
    dispatcher.notify(sampleNotice({ channels: [] }, { id: 702 }), settled(702));
    // Unknown channel: final.
    dispatcher.notify(sampleNotice({ channels: ['no-such-channel'] }, { id: 703 }), settled(703));
    await waitUntil(() => outcomes.has(701) && outcomes.has(702) && outcomes.has(703), 10_000, 'three outcomes');
    expect(outcomes.get(701)).toEqual([{ final: true, channels: expect.arrayContaining([{ channel: 'ops-wecom', ok: true }, { channel: 'dead-hook', ok: false }]) }]);
    expect(outcomes.get(702)).toEqual([{ final: true, channels: [] }]);
    expect(outcomes.get(703)).toEqual([{ final: true, channels: [{ channel: 'no-such-channel', ok: false }] }]);
    // Stuck in flight, then waiting, then refused by the full queue (final); the first two are dropped at shutdown.
    for (const id of [704, 705, 706]) dispatcher.notify(sampleNotice({ channels: ['stuck-hook'] }, { id }), settled(id));
    await waitUntil(() => outcomes.has(706), 5_000, 'the refusal');
    expect(outcomes.get(706)).toEqual([{ final: true, channels: [{ channel: 'stuck-hook', ok: false }] }]);
    expect(outcomes.has(704) || outcomes.has(705)).toBe(false);
    await dispatcher.stop({ deadlineMs: 50 });
    expect(outcomes.get(704)).toEqual([{ final: false, channels: [{ channel: 'stuck-hook', ok: false }] }]);
    expect(outcomes.get(705)).toEqual([{ final: false, channels: [{ channel: 'stuck-hook', ok: false }] }]);
    // After stop: refused, not final (still owed by whoever asked).
    dispatcher.notify(sampleNotice({ channels: ['ops-wecom'] }, { id: 707 }), settled(707));
    await waitUntil(() => outcomes.has(707), 5_000, 'the refusal after stop');
    expect(outcomes.get(707)).toEqual([{ final: false, channels: [{ channel: 'ops-wecom', ok: false }] }]);
  });

  it('a full queue refuses new notices with a reported failure', async () => {
    const { dispatcher, results, failures } = start({ queue_size: 1 });
    for (const id of [601, 602, 603]) dispatcher.notify(sampleNotice({ channels: ['stuck-hook'] }, { id }));
    // 601 is in flight, 602 waits, 603 does not fit.
    expect(results).toEqual([expect.objectContaining({ incidentId: 603, channel: 'stuck-hook', ok: false, attempts: 0, error: 'queue full (1 waiting)' })]);
    expect(failures).toEqual(['stuck-hook']);
    await dispatcher.stop({ deadlineMs: 50 });
  });

  it('unknown channel names in notice.channels are reported; bad notices never throw', async () => {
    const { dispatcher, results } = start();
    dispatcher.notify(sampleNotice({ channels: ['nope'] }, { id: 701 }));
    expect(results).toEqual([expect.objectContaining({ incidentId: 701, channel: 'nope', ok: false, attempts: 0, error: 'unknown channel "nope"' })]);
    expect(() => dispatcher.notify({ kind: 'opened' } as any)).not.toThrow();
    expect(() => dispatcher.notify(null as any)).not.toThrow();
    await dispatcher.stop();
  });

  it('a throwing onDelivery handler does not break delivery', async () => {
    let calls = 0;
    const dispatcher = createDispatcher(config(), {
      logger: silentLogger,
      now: Date.now,
      onDelivery: () => {
        calls++;
        throw new Error('timeline store down');
      },
    });
    dispatchers.push(dispatcher);
    const before = receiver.accepted('wecom').length;
    dispatcher.notify(sampleNotice({}, { id: 801, severity: 'P4' }));
    dispatcher.notify(sampleNotice({}, { id: 802, severity: 'P4' }));
    await waitUntil(() => calls === 2, 10_000, 'two delivery reports');
    expect(receiver.accepted('wecom').length - before).toBe(2);
    await dispatcher.stop();
  });

  it('notices are completed by `enrich` (store reads) and reach the channels in the order they came; a failing one goes as it came', async () => {
    const results: DeliveryResult[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const enriched: number[] = [];
    const dispatcher = createDispatcher(config(), {
      logger: silentLogger,
      now: Date.now,
      onDelivery: (r) => results.push(r),
      enrich: async (notice) => {
        // The first notice's read is the slow one: the second must still wait for it.
        if (notice.incident.id === 1001) await firstHeld;
        enriched.push(notice.incident.id);
        if (notice.incident.id === 1002) throw new Error('store unreachable');
        return { ...notice, incident: { ...notice.incident, title: `${notice.incident.title} (enriched)` } };
      },
    });
    dispatchers.push(dispatcher);
    const before = receiver.accepted('webhook').length;
    for (const id of [1001, 1002, 1003]) dispatcher.notify(sampleNotice({ channels: ['audit'] }, { id }));
    expect(results).toEqual([]);
    releaseFirst();
    await waitUntil(() => results.filter((r) => r.incidentId >= 1001 && r.incidentId <= 1003).length === 3, 10_000, 'three deliveries');
    expect(enriched).toEqual([1001, 1002, 1003]);
    const bodies = receiver.accepted('webhook').slice(before).map((b) => (b.body as { incident: { id: number; title: string } }).incident);
    expect(bodies.map((i) => [i.id, i.title.endsWith('(enriched)')])).toEqual([
      [1001, true],
      [1002, false],
      [1003, true],
    ]);
    await dispatcher.stop();
  });

  it('stop waits for notices still being completed, then delivers them', async () => {
    const results: DeliveryResult[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const dispatcher = createDispatcher(config(), { logger: silentLogger, now: Date.now, onDelivery: (r) => results.push(r), enrich: async (n) => (await held, n) });
    dispatchers.push(dispatcher);
    dispatcher.notify(sampleNotice({ channels: ['audit'] }, { id: 1101 }));
    const stopped = dispatcher.stop();
    dispatcher.notify(sampleNotice({ channels: ['audit'] }, { id: 1102 }));
    release();
    await stopped;
    // 1102 came after stop: refused at once, while 1101 (accepted before) is still on its way.
    expect(results.map((r) => [r.incidentId, r.ok, r.error ?? null]).sort()).toEqual([
      [1101, true, null],
      [1102, false, 'dispatcher is stopping'],
    ]);
  });

  it('English option renders English titles', async () => {
    const { dispatcher, results } = start({ lang: 'en' });
    dispatcher.notify(sampleNotice({ channels: ['audit'] }, { id: 901 }));
    await resultsFor(results, 901, 1);
    const body = receiver.accepted('webhook').at(-1)!.body as { title: string };
    expect(body.title).toBe('[P1 Critical] INC-20261121-0007 opened — web-01 ping: 100% packet loss');
    await dispatcher.stop();
  });
});
