/**
 * The findings catalogue stays complete: every code any check can emit has a zh-CN and an en template, the
 * params the templates need are present in what the checks emit, and several findings render as one text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDINGS, missingParams, renderFinding, SEVERAL_FINDINGS } from '../../../common/findings.js';
import type { FindingParams } from '../../../common/protocol.js';
import { LANGS } from '../../../common/humanize.js';
import type { Observation } from '../../../agent/checks/types.js';
import { SEVERAL_FINDINGS as AGENT_SEVERAL, packFindings } from '../../../agent/checks/verdict.js';
import { evaluateHost } from '../../../agent/checks/host/evaluate.js';
import { hostConfigSchema } from '../../../agent/checks/host/config.js';
import { evaluatePing } from '../../../agent/checks/ping/evaluate.js';
import { evaluateHttp, httpFailure } from '../../../agent/checks/http/evaluate.js';
import { evaluateBackup } from '../../../agent/checks/backup/evaluate.js';
import { evaluateProcesses, evaluateUnit } from '../../../agent/checks/service/evaluate.js';
import { interfaceStats } from '../../../agent/checks/snmp/interface-stats.js';
import { unreachable } from '../../../agent/checks/snmp/unreachable.js';
import { snmpConfigSchema } from '../../../agent/checks/snmp/config.js';
import { SnmpRequestError } from '../../../agent/checks/snmp/session.js';

const ROOT = join(import.meta.dirname, '../../..');
const CJK = /[\u4e00-\u9fff]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** A plausible raw value for a param name, so every template can be exercised. */
function sample(name: string): FindingParams[string] {
  if (/^(level)$/.test(name)) return 'crit';
  if (/^(host|mount|file|source|name|unit|interface|subject|url|command|cron|oid|patterns|parts|names|examples|problems|problem|error|reason|stderr|signal|setting|expected|text|state)$/.test(name)) return name === 'reason' ? 'timeout' : `${name}-x`;
  if (/^(admin_down|cut_by_deadline|community|malformed)$/.test(name)) return true;
  return 42;
}

describe('FINDINGS catalogue', () => {
  it.each(Object.keys(FINDINGS))('%s has both templates, rendering its params as text for people', (code) => {
    const entry = FINDINGS[code]!;
    const params = Object.fromEntries(entry.params.map((p) => [p, sample(p)]));
    for (const lang of LANGS) {
      const text = entry[lang](params);
      expect(text.length, lang).toBeGreaterThan(0);
      expect(text, lang).not.toMatch(/undefined|NaN|\[object/);
    }
    expect(entry['zh-CN'](params)).toMatch(CJK);
    expect(entry.en(params)).not.toMatch(CJK);
  });

  it('every code literal under agent/ is in the catalogue (or is the several-findings code)', () => {
    const codes = new Set<string>();
    for (const file of sources(join(ROOT, 'agent'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'((?:tcp|ping|http|service|host|snmp|backup|check)\.[a-z_]+)'/g)) codes.add(m[1] as string);
    }
    expect(codes.size).toBeGreaterThan(50);
    const missing = [...codes].filter((c) => c !== SEVERAL_FINDINGS && !FINDINGS[c]);
    expect(missing).toEqual([]);
    expect(AGENT_SEVERAL).toBe(SEVERAL_FINDINGS);
  });

  it('several findings render joined, with the subject and the count of those left out', () => {
    const packed = packFindings([
      { code: 'host.disk_high', params: { mount: '/data', value: 92, threshold: 85, level: 'warn' } },
      { code: 'host.memory_high', params: { value: 96, threshold: 95, level: 'crit' } },
    ]);
    expect(renderFinding({ ...packed, params: { ...packed.params, subject: 'db-1', more: 3 }, message: 'x' }, 'zh-CN')).toBe(
      'db-1：磁盘 /data 使用率 92%（告警阈值 85%）；内存使用率 96%（严重阈值 95%）；另有 3 项',
    );
    expect(renderFinding({ ...packed, message: 'x' }, 'en')).toBe('disk /data 92% used (warning threshold 85%); memory used 96% (critical threshold 95%)');
    // an unknown code inside, or none at all: the English message as sent
    expect(renderFinding({ code: SEVERAL_FINDINGS, params: { count: 1, f0: 'nope.nope' }, message: 'as sent' }, 'zh-CN')).toBe('as sent');
    expect(renderFinding({ message: 'as sent' }, 'zh-CN')).toBe('as sent');
  });
});

describe('what the checks emit carries every param its templates need', () => {
  const NOW = Date.parse('2026-10-20T02:00:00Z');
  const thresholds = hostConfigSchema.parse({}).thresholds;
  const mount = (m: string, usedPercent: number) => ({ device: '/dev/x', type: 'ext4', mount: m, sizeBytes: 100, usedBytes: usedPercent, availableBytes: 100 - usedPercent, usedPercent, inodesUsedPercent: usedPercent, inodesTotal: 100, inodesUsed: usedPercent });
  const host = (over: boolean) =>
    evaluateHost(
      {
        cpu: { busyPercent: over ? 99 : 5, iowaitPercent: 0, stealPercent: 0 },
        cores: 2,
        load: over ? [9, 9, 9] : [0.1, 0.1, 0.1],
        memory: { totalBytes: 100, availableBytes: over ? 1 : 90, swapTotalBytes: 100, swapUsedBytes: over ? 90 : 0 },
        uptimeS: 3600,
        mounts: [mount('/data', over ? 97 : 10)],
        interfaces: [],
      },
      thresholds,
    );
  const http = (over: boolean) =>
    evaluateHttp(
      { status: over ? 500 : 200, finalUrl: 'https://a/', redirects: 0, firstByteMs: 1, totalMs: over ? 5000 : 10, bodyBytes: 2, bodySample: 'ok', earliestCert: { host: 'a', subject: 'CN=a', issuer: 'CN=ca', validTo: new Date(NOW + (over ? 3 : 60) * 86_400_000) } },
      { expected_status: [{ lo: 200, hi: 299 }], warn_ms: 100, crit_ms: 1000, contains: over ? 'healthy' : 'ok', not_contains: over ? 'ok' : 'error', cert_warn_days: 14, cert_crit_days: 7 },
      NOW,
    );
  const snmpCfg = snmpConfigSchema.parse({ host: '10.123.0.1' });
  const iface = { index: 1, name: 'Gi1', descr: 'GigabitEthernet1', alias: 'uplink', adminStatus: 1, operStatus: 2, speedBps: 1e9, inOctets: null, outOctets: null, inErrors: null, outErrors: null, inDiscards: null, outDiscards: null };
  const stats = interfaceStats([iface], new Map(), NOW, false, { include: [], exclude: [], max: 10, critical: ['Gi1', 'Te9'] });
  const observations: Array<[string, Pick<Observation, 'code' | 'params'>]> = [
    ['host ok', host(false)],
    ['host over every threshold', host(true)],
    ['ping ok', evaluatePing('gw', { transmitted: 5, received: 5, errors: 0, lossPercent: 0, rtt: { minMs: 1, avgMs: 1, maxMs: 1, mdevMs: 0 } }, { warn_loss_percent: 20, crit_loss_percent: 100 })],
    ['ping loss and rtt', evaluatePing('gw', { transmitted: 5, received: 2, errors: 0, lossPercent: 60, rtt: { minMs: 1, avgMs: 300, maxMs: 1, mdevMs: 0 } }, { warn_loss_percent: 20, crit_loss_percent: 100, warn_rtt_ms: 100 })],
    ['ping down', evaluatePing('gw', { transmitted: 5, received: 0, errors: 2, lossPercent: 100, rtt: null }, { warn_loss_percent: 20, crit_loss_percent: 100 })],
    ['http ok', http(false)],
    ['http everything wrong', http(true)],
    ['http refused', httpFailure('https://u:pw@a/', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 1000)],
    ['backup ok', evaluateBackup({ source: '/b/*', lastSuccessMs: NOW - 3600_000, sizeBytes: 10, fileCount: 1, newestPath: '/b/x' }, { maxAgeMs: 86_400_000, sizeDropPercent: 50, minFiles: 1 }, NOW)],
    ['backup too small and late', evaluateBackup({ source: '/b/*', lastSuccessMs: NOW - 3 * 86_400_000, sizeBytes: 10, fileCount: 1, newestPath: '/b/x', previousSizes: [1000, 1000, 1000] }, { maxAgeMs: 86_400_000, sizeDropPercent: 50, minFiles: 2 }, NOW)],
    ['backup failed, never, min size', evaluateBackup({ source: 's', lastSuccessMs: null, failure: { exitCode: 2, atMs: NOW }, sizeBytes: 5 }, { maxAgeMs: 1000, minSizeBytes: 100, sizeDropPercent: 50, minFiles: 1 }, NOW)],
    ['backup empty, schedule', evaluateBackup({ source: 's', lastSuccessMs: NOW - 3 * 86_400_000, sizeBytes: 0 }, { schedule: { cron: '0 3 * * *', timezone: 'Asia/Shanghai', graceMs: 1_800_000 }, sizeDropPercent: 50, minFiles: 1 }, NOW)],
    ['service processes', evaluateProcesses('nginx', [{ pid: 10, comm: 'nginx', argv: ['nginx'], startTicks: 1 } as never], 1, { restartedFrom: 9, restarts: 1 })],
    ['service none', evaluateProcesses('nginx', [], 1, { restartedFrom: null, restarts: 0 })],
    ['service unit down', evaluateUnit('nginx.service', { loadState: 'loaded', activeState: 'failed', subState: 'failed', mainPid: null, nRestarts: 3 }, { restartedFrom: null, restarts: 0 })],
    ['snmp interfaces', packFindings(stats.findings)],
    ['snmp unreachable', unreachable(snmpCfg, new SnmpRequestError('timeout', 'SNMP timeout'), 9)],
    ['snmp v3 refused', unreachable(snmpCfg, new SnmpRequestError('auth', 'SNMPv3 authentication failed: Unknown User Name'), 9)],
  ];

  it.each(observations)('%s', (_label, o) => {
    expect(o.code).toBeDefined();
    expect(missingParams(o.code as string, o.params ?? {})).toEqual([]);
    const zh = renderFinding({ code: o.code, params: o.params, message: 'ENGLISH FALLBACK' }, 'zh-CN');
    expect(zh).not.toBe('ENGLISH FALLBACK');
    expect(zh).toMatch(CJK);
  });
});
