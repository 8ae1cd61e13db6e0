/**
 * A notice's localized finding and title survive a collector restart: the finding is read from the store (the
 * `checks` row the ingest wrote), not from memory, and the title is the incident's stored code. The store is
 * closed and opened again between the incident opening and its escalation, as a restarted collector does; the
 * escalated DingTalk / WeCom / email bodies are then zh-CN throughout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import type { IncidentNotice } from '../../../../collector/events.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { createIncidentService } from '../../../../collector/incidents/service.js';
import { dingtalkBody } from '../../../../collector/notify/dingtalk.js';
import { emailMessage } from '../../../../collector/notify/email.js';
import { createNoticeContext, storedFindings } from '../../../../collector/notify/notice-context.js';
import { renderNotice } from '../../../../collector/notify/render.js';
import { wecomBody } from '../../../../collector/notify/wecom.js';
import { createChecksRepo } from '../../../../collector/store/sql/checks-repo.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';

const T0 = Date.parse('2026-11-21T02:07:00Z');
let dir: string;
let store: SqlStore;
const open = () => openSqlStore({ kind: 'sqlite', file: join(dir, 'collector.db') });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-notice-context-'));
  store = await open();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Latin words of three letters or more other than names, codes and units. */
const ENGLISH = /\b(?!web01|ping|INC|UTC|https?|outpost|example|com|incidents|ack)[A-Za-z]{3,}\b/;

describe('notice context after a restart', () => {
  it('an escalation notice after the collector restarted still carries the zh-CN finding and title', async () => {
    const finding = { code: 'ping.loss_high', params: { value: 100, host: '10.123.0.5', threshold: 20, level: 'crit' } };
    await createChecksRepo().record(store.db, {
      agentId: 'web01',
      checkId: 'ping',
      checkType: 'ping',
      target: 'web01',
      intervalS: 60,
      lastObservedMs: T0,
      lastReceivedMs: T0,
      lastState: 'crit',
      lastMessage: '100% packet loss to 10.123.0.5',
      lastCode: finding.code,
      lastParams: finding.params,
      lastMetrics: {},
    });
    const config = incidentsConfigSchema.parse({});
    const logger = createLogger({ level: 'silent' });
    const opened: IncidentNotice[] = [];
    const service = createIncidentService({ store, config, now: () => T0, logger, notify: (n) => opened.push(n) });
    await service.handleStateChange({ agentId: 'web01', target: 'web01', checkId: 'ping', checkType: 'ping', from: 'ok', to: 'crit', atMs: T0, reason: '100% packet loss to 10.123.0.5', finding, cause: 'result' });
    const number = opened[0]!.incident.number;

    // Restart: the process (and every in-memory cache) is gone; a new one opens the same file.
    await store.close();
    store = await open();
    const restarted = createIncidentService({ store, config, now: () => T0 + 7_200_000, logger, notify: () => undefined });
    const record = (await restarted.get(number))!;
    const context = createNoticeContext({ findingOf: storedFindings(store), dueOf: () => null });
    const escalated = await context.enrich({
      kind: 'escalated',
      incident: { id: record.id, number, title: record.title, titleCode: record.titleCode, titleParams: record.titleParams, severity: record.severity, status: record.status, target: record.target, checkId: record.checkId, openedAtMs: record.openedAtMs },
      atMs: T0 + 7_200_000,
      actor: 'system',
      note: 'escalated to level 2: 技术总监',
      noteText: { code: 'note.escalated', params: { level: 2, name: '技术总监' } },
      detail: '技术总监',
    });
    expect(escalated.finding).toMatchObject({ code: 'ping.loss_high' });

    const message = renderNotice(escalated, { lang: 'zh-CN', timeZone: 'Asia/Shanghai' });
    const ding = JSON.stringify(dingtalkBody(message, { at_mobiles: [], at_all: false }));
    const wecom = JSON.stringify(wecomBody(message, { mention_users: [] }));
    const mail = emailMessage(message, { from: 'outpost@example.com', to: ['ops@example.com'], cc: [] });
    for (const body of [message.title, message.markdown, message.text, String(mail.subject), String(mail.text)]) {
      expect(body).not.toMatch(ENGLISH);
      expect(body).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    }
    expect(message.title).toContain('已升级');
    expect(message.text).toContain('已升级至第 2 级：技术总监');
    expect(ding).toContain('丢包');
    expect(wecom).toContain('丢包');
    expect(String(mail.html)).toContain('丢包');
  });
});
