/**
 * A seeded October 2026 (Asia/Shanghai; National Day holidays Oct 1–7) for the report tests, fed through the real
 * collector ingest (results), the real incident service (opened by state changes, acknowledged and resolved with a
 * driven clock) and the SLA glue. Ground truth:
 * - web-1 (critical): ping down 2 h from Oct 3 00:00 (INC P1: ack after 10 min, resolved after 1 h 30 min);
 *   down 1 h on Oct 10 02:00 inside the config maintenance window 02:00–04:00 (no downtime, no incident).
 * - db-1 (normal): ping down 30 min from Oct 16 00:00 (INC P2: ack after 40 min — breached; resolved after 9 h — breached).
 * - a manual P3 on web-1 on Oct 21 00:00: ack after 20 min, resolved after 5 h (met).
 * - nightly backup of web-1 at 01:00 every day, crit on Oct 20 (30 ok of 31).
 * With `storeUrl`, the collector keeps it all in that PostgreSQL database instead of SQLite (same ground truth).
 * With `inspection: true`, targets outside the contract (the SLA numbers stay the same) report every day at 02:00:
 * - app-1 host check: `/` flat at 40 %, `/data` 41.5 % + 1.5 %/day (70 % on Oct 20 → full in 20 days) of 500 GB;
 * - app-1 https check: certificate days left 40 − day (21 on Oct 20: warn ≤ 30);
 * - sw-1 snmp interfaces: Gi0/1 clean, Gi0/2 with 0.5 input errors/s from Oct 20.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '../../../../common/logger.js';
import { PROTOCOL_VERSION, topics, type CheckState, type ResultMessage } from '../../../../common/protocol.js';
import { createCollector, type RunningCollector } from '../../../../collector/collector.js';
import { collectorConfigSchema, type CollectorConfig } from '../../../../collector/config.js';
import type { IncidentNotice } from '../../../../collector/events.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { createIncidentService, type IncidentService } from '../../../../collector/incidents/service.js';
import { createSlaService, type SlaService } from '../../../../collector/sla-service/service.js';
import { createReportContext, type ReportContext } from '../../../../collector/reports/context.js';
import { createSampleRecorder } from '../../../../collector/reports/samples.js';
import { createReportStore } from '../../../../collector/reports/store.js';
import type { SqlStore } from '../../../../collector/store/sql/connect.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** 2026-10-01T00:00 Asia/Shanghai. */
export const OCT = Date.parse('2026-09-30T16:00:00Z');
export const NOV = Date.parse('2026-10-31T16:00:00Z');
/** When the reports are generated. */
export const REPORT_NOW = NOV + 21 * DAY + 9 * HOUR;
export const TOKEN = 'reports-viewer-token-0123456789';
/** An operator token: POST /api/v1/reports/fault/:number records the report as generated. */
export const OPERATOR_TOKEN = 'reports-operator-token-0123456789';

export const config = {
  sla: {
    contracts: [{ name: 'acme', policy: 'contract-003', calendar: '24x7', availability_target: 98, members: { targets: ['web-1', 'db-1'] } }],
    maintenance: [{ name: 'patch', targets: ['web-1'], start: new Date(OCT + 9 * DAY + 2 * HOUR).toISOString(), end: new Date(OCT + 9 * DAY + 4 * HOUR).toISOString() }],
  },
  incidents: { enabled: false, auto_resolve: false, rules: [{ match: { check_type: 'backup' }, open: false }], targets: { 'web-1': { criticality: 'critical' }, 'db-1': { criticality: 'normal' } } },
  states: { silence_factor: 100 },
};

export interface Scenario {
  dir: string;
  clock: { now: number };
  running: RunningCollector;
  /** The collector's store (SQLite or PostgreSQL). */
  store: SqlStore;
  config: CollectorConfig;
  incidents: IncidentService;
  sla: SlaService;
  ctx: ReportContext;
  notices: IncidentNotice[];
  numbers: { web: string; db: string; manual: string };
  stop(): Promise<void>;
}

const INTERVAL_S = 3_000_000; // far beyond the month: no silence verdicts while the clock jumps

/** The collector config sections a world runs with (sla, incidents, states). */
export type WorldSections = Record<string, unknown> & { incidents: Record<string, unknown> };

/** Where a world keeps its state: SQLite in its data_dir (default), or the PostgreSQL database at `storeUrl`. */
export interface WorldOptions {
  storeUrl?: string;
}

/**
 * A running collector on a driven clock with the real incident service (fed by its state changes) and SLA glue,
 * and helpers that publish results through the real ingest (sampled for reports as the collector does).
 */
export async function startWorld(sections: WorldSections, startMs: number, options: WorldOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-reports-'));
  const clock = { now: startMs };
  const now = () => clock.now;
  const cfg = collectorConfigSchema.parse({
    data_dir: dir,
    mqtt: { listen: { port: 0 } },
    api: { listen: { port: 0 }, tokens: [{ name: 'v', token: TOKEN, role: 'viewer' }, { name: 'o', token: OPERATOR_TOKEN, role: 'operator' }] },
    ...(options.storeUrl ? { store: { url: options.storeUrl } } : {}),
    ...sections,
  });
  const logger = createLogger({ level: 'silent' });
  const holder: { incidents?: IncidentService } = {};
  const notices: IncidentNotice[] = [];
  const collector = createCollector({ config: cfg, logger, now, registry: new Registry(), listeners: [(c) => holder.incidents?.handleStateChange(c)] });
  const running = await collector.start();
  const store = running.store;
  const sla = await createSlaService({ store, sla: cfg.sla, incidents: cfg.incidents, services: [], now, logger, notify: (n) => notices.push(n) });
  const incidents = createIncidentService({
    store,
    config: incidentsConfigSchema.parse({ ...sections.incidents, enabled: true }),
    now,
    logger,
    notify: (n) => notices.push(n),
    sla: sla.incidentHooks,
  });
  holder.incidents = incidents;
  const reports = cfg.reports;
  const recorder = createSampleRecorder({ store, samples: createReportStore(), periodMs: reports.sample_period, retentionMs: 365 * DAY, now, logger });
  let seq = 0;
  async function publish(agentId: string, target: string, checkId: string, checkType: string, state: CheckState, atMs: number, extra: Partial<ResultMessage> = {}): Promise<void> {
    clock.now = atMs;
    const message: ResultMessage = {
      v: PROTOCOL_VERSION,
      agent_id: agentId,
      seq: ++seq,
      check_id: checkId,
      check_type: checkType,
      target,
      interval_s: INTERVAL_S,
      observed_at_ms: atMs,
      sent_at_ms: atMs,
      duration_ms: 1,
      state,
      message: `${checkId} ${state}`,
      metrics: {},
      ...extra,
    };
    recorder.onResult(message);
    await running.ingest.handle(topics.results(agentId), Buffer.from(JSON.stringify(message)));
    // State changes reach the incident service through the pipeline after the commit: wait until they have.
    await running.drain();
  }
  const ping = (agent: string, target: string, state: CheckState, atMs: number) =>
    // The codes and parameters the real ping check sends (agent/checks/ping/evaluate.ts).
    publish(agent, target, 'ping', 'ping', state, atMs, state === 'ok'
      ? { message: `${target}: 0% loss, rtt avg 1 ms`, code: 'ping.ok', params: { host: target, loss_percent: 0, rtt_avg_ms: 1 }, metrics: { loss_percent: 0 } }
      : { message: `${target} unreachable: 100% packet loss (3 sent)`, code: 'ping.unreachable', params: { host: target, sent: 3, icmp_errors: 0 }, metrics: { loss_percent: 100 } });
  /** The newest incident of a target (opened by the last state change). */
  const latestIncident = async (target: string): Promise<string> => (await incidents.list({ target, limit: 1, offset: 0 })).items[0]?.number as string;
  /** Moves the clock, stores the pending samples and builds the report context at that instant. */
  const finish = async (reportNowMs: number): Promise<ReportContext> => {
    await recorder.flush();
    clock.now = reportNowMs;
    return createReportContext({ store, config: cfg, reports, now, logger, sla });
  };
  return { dir, clock, cfg, running, store, sla, incidents, notices, publish, ping, latestIncident, finish };
}

export async function seedScenario(opts: { inspection?: boolean } & WorldOptions = {}): Promise<Scenario> {
  const { dir, clock, cfg, running, store, sla, incidents, notices, publish, ping, finish } = await startWorld(config, OCT, opts.storeUrl ? { storeUrl: opts.storeUrl } : {});
  const service = incidents;
  const at = (ms: number) => {
    clock.now = ms;
  };

  await ping('a1', 'web-1', 'ok', OCT);
  await ping('a2', 'db-1', 'ok', OCT);
  const backup = async (day: number) => {
    const state: CheckState = day === 19 ? 'crit' : 'ok';
    await publish('a1', 'web-1', 'nightly', 'backup', state, OCT + day * DAY + HOUR, {
      message: state === 'ok' ? 'backup fresh' : 'backup failed',
      ...(state === 'ok' ? {} : { code: 'backup.too_small', params: { file: '/backup/db.dump', size: 20_000_000, median: 1_150_000_000 } }),
      metrics: { age_s: 3600, size_bytes: 1_000_000_000 + day * 10_000_000 },
      details: { status: state === 'ok' ? 'ok' : 'failed' },
    });
  };
  const DATA_BYTES = 500_000_000_000;
  const inspectionChecks = async (day: number) => {
    const at = OCT + day * DAY + 2 * HOUR;
    const dataPercent = 41.5 + 1.5 * day;
    const mount = (path: string, percent: number) => ({
      tags: { mount: path, fs_type: 'ext4', device: path === '/' ? '/dev/vda1' : '/dev/vdb1' },
      metrics: { used_percent: percent, size_bytes: DATA_BYTES, used_bytes: (DATA_BYTES * percent) / 100, available_bytes: DATA_BYTES * (1 - percent / 100) },
    });
    await publish('a3', 'app-1', 'host', 'host', 'ok', at, { message: 'host healthy', metrics: { load1: 0.5 }, series: [mount('/', 40), mount('/data', dataPercent)] });
    const certDays = 40 - day;
    await publish('a3', 'app-1', 'https', 'http', certDays <= 30 ? 'warn' : 'ok', at, { message: `200 OK, certificate expires in ${certDays} days`, code: 'http.cert_expiring', params: { days_left: certDays }, metrics: { status_code: 200, cert_days_left: certDays } });
    const iface = (name: string, index: number, errors: number) => ({ tags: { if_name: name, if_alias: 'uplink', if_index: String(index) }, metrics: { in_errors_per_s: errors, out_errors_per_s: 0, oper_up: 1 } });
    await publish('a4', 'sw-1', 'ifaces', 'snmp', 'ok', at, { message: '2 interfaces up', series: [iface('Gi0/1', 1, 0), iface('Gi0/2', 2, day >= 19 ? 0.5 : 0)] });
  };
  const daily = async (day: number) => {
    await backup(day);
    if (opts.inspection) await inspectionChecks(day);
  };
  for (let day = 0; day <= 2; day++) await daily(day);
  // Outage 1 (web-1, P1).
  await ping('a1', 'web-1', 'crit', OCT + 2 * DAY);
  const web = (await service.list({ limit: 10, offset: 0 })).items[0]?.number as string;
  at(OCT + 2 * DAY + 10 * MIN);
  await service.acknowledge(web, 'alice');
  await ping('a1', 'web-1', 'ok', OCT + 2 * DAY + 2 * HOUR);
  at(OCT + 2 * DAY + 90 * MIN);
  await service.resolve(web, 'alice', 'switch port flapping', 'replaced the patch cable');
  for (let day = 3; day <= 9; day++) await daily(day);
  // In maintenance (no downtime, no incident).
  await ping('a1', 'web-1', 'crit', OCT + 9 * DAY + 2 * HOUR);
  await ping('a1', 'web-1', 'ok', OCT + 9 * DAY + 3 * HOUR);
  for (let day = 10; day <= 15; day++) await daily(day);
  // Outage 2 (db-1, P2).
  await ping('a2', 'db-1', 'crit', OCT + 15 * DAY);
  const db = (await service.list({ target: 'db-1', limit: 10, offset: 0 })).items[0]?.number as string;
  at(OCT + 15 * DAY + 40 * MIN);
  await service.acknowledge(db, 'bob');
  await ping('a2', 'db-1', 'ok', OCT + 15 * DAY + 30 * MIN);
  at(OCT + 15 * DAY + 9 * HOUR);
  await service.resolve(db, 'bob', 'disk full', 'rotated logs');
  for (let day = 16; day <= 20; day++) await daily(day);
  // Manual P3.
  at(OCT + 20 * DAY);
  const manual = (await service.createManual({ title: 'slow pages', severity: 'P3', target: 'web-1', reporter: 'customer hotline' }, 'carol')).number;
  at(OCT + 20 * DAY + 20 * MIN);
  await service.acknowledge(manual, 'carol');
  at(OCT + 20 * DAY + 5 * HOUR);
  await service.resolve(manual, 'carol', 'cache cold', 'warmed the cache');
  for (let day = 21; day < 31; day++) await daily(day);
  const ctx = await finish(REPORT_NOW);
  return { dir, clock, running, store, config: cfg, incidents: service, sla, ctx, notices, numbers: { web, db, manual }, stop: () => running.stop() };
}
