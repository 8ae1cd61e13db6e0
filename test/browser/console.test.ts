/**
 * The web console in Debian's Chromium (playwright-core), against a real collector and a real agent on 127.0.0.1:
 * log in; a target's listener stops → its tile turns red and the incident appears live; acknowledge, resolve and evaluate in
 * the UI → the API shows the person as actor; a viewer sees no action buttons and a forged POST gets 403; a POST
 * without the CSRF token is refused; a maintenance window added in the UI; a PDF downloaded; the incident page at
 * 375×812 without horizontal scrolling; axe-core on every page; a screenshot of every page (zh-CN) as artifacts;
 * the webhook's deep link opens its incident, the DingTalk card's 认领 button opens it with the acknowledge dialog
 * ready and the WeCom card links the same page; the status page without a login.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../agent/agent.js';
import { parseAgentConfigText } from '../../agent/config.js';
import { hashPassword } from '../../collector/api/passwords.js';
import { createLogger } from '../../common/logger.js';
import { artifactsDir, chromiumSkipReason, launchOptions, seriousViolations } from '../helpers/browser.js';
import { startImReceiver, type ImReceiver } from '../helpers/im-receiver.js';
import { fixedInventory } from '../helpers/inventory.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/wait.js';
import { ADMIN, json, startTestCollector, type TestCollector } from '../integration/collector/support.js';

const skip = chromiumSkipReason();
const USERS = { alice: 'alice-password-1', victor: 'victor-password-1', root: 'root-password-12' };
const SECRET = 'acme-status-page-secret-1';
const TARGET = '127.0.0.1';

describe.skipIf(skip !== null)('web console in Chromium', () => {
  let tc: TestCollector;
  let agent: Agent;
  let receiver: ImReceiver;
  let browser: Browser;
  let listener: Server;
  const sockets = new Set<Socket>();
  let base: string;
  const shots = artifactsDir('console');
  let number = '';

  const api = async (path: string) => json(fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } }));

  async function listen(port: number): Promise<Server> {
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.end();
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return server;
  }

  async function context(opts: { width?: number; height?: number } = {}): Promise<BrowserContext> {
    return browser.newContext({ bypassCSP: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, acceptDownloads: true });
  }

  async function login(page: Page, name: keyof typeof USERS): Promise<void> {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(name);
    await page.getByLabel('密码').fill(USERS[name]);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.who .me').waitFor();
  }

  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    const violations = await seriousViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  }

  beforeAll(async () => {
    const [apiPort, tcpPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${apiPort}`;
    listener = await listen(tcpPort);
    receiver = await startImReceiver({ webhook: { secret: 'hook-secret' }, dingtalk: { accessToken: 'ding-token', secret: 'SECding' }, wecom: { key: 'wecom-key' } });
    tc = await startTestCollector({
      api: {
        listen: { host: '127.0.0.1', port: apiPort },
        public_url: base,
        tokens: [{ name: 'a', token: ADMIN, role: 'admin' }],
        users: [
          { name: 'alice', password_hash: await hashPassword(USERS.alice), role: 'operator' },
          { name: 'victor', password_hash: await hashPassword(USERS.victor), role: 'viewer' },
          { name: 'root', password_hash: await hashPassword(USERS.root), role: 'admin' },
        ],
        status_pages: [{ contract: 'acme', secret: SECRET }],
      },
      sla: { contracts: [{ name: 'acme', availability_target: 99.9, members: { targets: [TARGET] } }] },
      notifications: {
        channels: {
          hook: { type: 'webhook', url: receiver.urls.webhook, secret: 'hook-secret' },
          ding: { type: 'dingtalk', url: receiver.urls.dingtalk, secret: 'SECding' },
          wecom: { type: 'wecom', url: receiver.urls.wecom },
        },
        routes: [{ channels: ['hook', 'ding', 'wecom'] }],
      },
    });
    const parsed = parseAgentConfigText(
      `agent: { id: web-agent, state_dir: ${mkdtempSync(join(tmpdir(), 'outpost-web-agent-'))} }
mqtt: { url: "mqtt://127.0.0.1:${tc.running.mqttPort}", reconnect_min: 100ms, reconnect_max: 500ms }
checks:
  - { type: tcp, name: app-port, host: 127.0.0.1, port: ${tcpPort}, interval: 1s, timeout: 800ms }
`,
      {},
      'web-host',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    agent = createAgent({ config: parsed.config, logger: createLogger({ level: 'silent' }), collectInventory: fixedInventory, random: () => 0 });
    await agent.start();
    await waitUntil(async () => (await tc.running.intervals.open(tc.running.store.db, 'web-agent', 'app-port'))?.state === 'ok', 30_000, 'tcp check ok');
    browser = await chromium.launch(launchOptions());
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await tc?.running.stop();
    await receiver?.close();
    for (const s of sockets) s.destroy();
    listener?.close();
  });

  it('an operator logs in; a stopped listener turns the tile red and the incident appears live; ack (from the DingTalk card), resolve and evaluate in the UI', async () => {
    const ctx = await context();
    const overview = await ctx.newPage();
    await overview.goto(`${base}/`);
    await check(overview, '01-login');
    await login(overview, 'alice');
    const tile = overview.locator(`.tile[data-target="${TARGET}"]`);
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 15_000 }).toBe('ok');
    await check(overview, '02-overview');

    const list = await ctx.newPage();
    await list.goto(`${base}/#/incidents`);
    await list.locator('.live.up').waitFor();
    await overview.locator('.live.up').waitFor();
    const loads = { overview: 0, list: 0 };
    overview.on('load', () => loads.overview++);
    list.on('load', () => loads.list++);

    await new Promise<void>((resolve) => listener.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 20_000 }).toBe('crit');
    const row = list.locator('.incident-row').filter({ hasText: TARGET }).first();
    await row.waitFor({ timeout: 20_000 });
    number = (await row.getAttribute('data-number')) ?? '';
    expect(number).toMatch(/^INC-\d{8}-\d{4}$/);
    expect(loads).toEqual({ overview: 0, list: 0 });
    await check(list, '03-incidents');

    // The DingTalk actionCard's 认领 button opens the incident with the acknowledge dialog ready.
    const card = await waitUntil(() => receiver.accepted('dingtalk').find((r) => (r.body as any)?.actionCard?.title?.includes(number)), 20_000, 'DingTalk card for the incident');
    const [view, claim] = (card.body as any).actionCard.btns as Array<{ title: string; actionURL: string }>;
    expect([view, claim]).toEqual([
      { title: '查看工单', actionURL: `${base}/#/incidents/${number}` },
      { title: '认领', actionURL: `${base}/#/incidents/${number}?ack=1` },
    ]);
    await list.goto(claim!.actionURL);
    await list.locator(`.incident[data-number="${number}"]`).waitFor();
    await list.locator('dialog form[data-action="ack"]').waitFor();
    await list.locator('dialog textarea[name="note"]').fill('正在处理');
    await list.locator('button[data-confirm="ack"]').click();
    await list.locator('.incident[data-status="acknowledged"]').waitFor();
    await list.locator('button[data-action="resolve"]').click();
    await list.locator('dialog textarea[name="cause"]').fill('应用进程退出');
    await list.locator('dialog textarea[name="resolution"]').fill('重启服务并加入守护');
    await list.locator('button[data-confirm="resolve"]').click();
    await list.locator('.incident[data-status="resolved"]').waitFor();
    // The customer's evaluation, recorded after the resolution (seed 002 服务评价).
    await list.locator('button[data-action="evaluate"]').click();
    await list.locator('dialog input[name="score"]').fill('95');
    await list.locator('dialog input[name="evaluator"]').fill('张经理');
    await list.locator('dialog textarea[name="comment"]').fill('恢复及时');
    await list.locator('button[data-confirm="evaluate"]').click();
    await expect.poll(() => list.locator('dd.evaluation').textContent(), { timeout: 15_000 }).toBe('95 分 · 张经理 · 恢复及时');
    expect(await list.locator('li[data-kind="evaluated"]').innerText()).toContain('95 分 · 张经理');
    // The preset's escalation step in words, never its internal name; the collector's actors in words too.
    const page04 = await list.locator('main').innerText();
    expect(page04).toContain('提交处理方案');
    expect(page04).not.toContain('handling-plan-due');
    expect(page04).toContain('通知服务');
    await check(list, '04-incident');

    const detail = await api(`/api/v1/incidents/${number}`);
    expect(detail).toMatchObject({ status: 'resolved', acknowledged_by: 'alice', resolved_by: 'alice', cause: '应用进程退出', resolution: '重启服务并加入守护' });
    expect(detail.timeline.filter((e: { kind: string }) => e.kind === 'acknowledged' || e.kind === 'resolved').map((e: { actor: string }) => e.actor)).toEqual(['alice', 'alice']);
    expect(detail.evaluation).toMatchObject({ score: 95, evaluator: '张经理', comment: '恢复及时', recorded_by: 'alice' });

    // A cookie POST without the CSRF header is refused (the page's own session, a hand-made request).
    const noCsrf = await list.evaluate(async (n) => (await fetch(`/api/v1/incidents/${n}/note`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'forged' }) })).status, number);
    expect(noCsrf).toBe(403);
    expect((await api(`/api/v1/incidents/${number}`)).timeline.some((e: { note: string | null }) => e.note === 'forged')).toBe(false);
    await ctx.close();
  });

  it('every other page renders in zh-CN without serious accessibility problems', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await login(page, 'alice');
    for (const [name, hash, ready] of [
      ['05-targets', '#/targets', '.check-list'],
      ['06-target-detail', `#/targets/${encodeURIComponent(TARGET)}`, 'svg.timeline'],
      ['07-agents', '#/agents', '[data-agent="web-agent"]'],
      ['08-reports', '#/reports', 'table.schedules tr[data-schedule="sla:*"]'],
      ['09-maintenance', '#/maintenance', '.mt-list, .muted'],
      ['10-inspection', '#/inspection', '.findings, .notice'],
    ] as const) {
      await page.goto(`${base}/${hash}`);
      await page.locator(ready).first().waitFor();
      await check(page, name);
    }
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?Z/);
    // The SLA page lists the report schedules (the defaults: daily inspection, monthly SLA report), with their next run.
    await page.goto(`${base}/#/reports`);
    const schedules = await api('/api/v1/reports/schedules');
    expect(schedules.items.map((x: { report: string; cron: string }) => [x.report, x.cron])).toEqual([
      ['inspection', '0 8 * * *'],
      ['sla', '0 8 1 * *'],
    ]);
    const row = page.locator('tr[data-schedule="inspection:*"]');
    await expect.poll(() => row.getAttribute('data-outcome'), { timeout: 15_000 }).toBe('never');
    expect(await row.innerText()).toContain('尚未运行');
    await ctx.close();
  });

  it('a viewer sees no action buttons, and a forged POST from that session gets 403', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await login(page, 'victor');
    await page.goto(`${base}/#/incidents/${number}`);
    await page.locator(`.incident[data-number="${number}"]`).waitFor();
    expect(await page.locator('.actions button').count()).toBe(0);
    await page.goto(`${base}/#/incidents?status=all`);
    await page.locator(`.incident-row[data-number="${number}"]`).waitFor();
    expect(await page.getByRole('button', { name: '新建事件（电话报障）' }).count()).toBe(0);
    const forged = await page.evaluate(async (n) => {
      const me = (await (await fetch('/api/v1/session')).json()) as { csrf_token: string };
      const res = await fetch(`/api/v1/incidents/${n}/reopen`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token }, body: '{}' });
      return { status: res.status, body: (await res.json()) as unknown };
    }, number);
    expect(forged).toEqual({ status: 403, body: { error: 'role viewer may not do this (needs operator)', details: [] } });
    expect((await api(`/api/v1/incidents/${number}`)).status).toBe('resolved');
    await ctx.close();
  });

  it('an admin adds a maintenance window in the UI and downloads a PDF report', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await login(page, 'root');
    await page.goto(`${base}/#/maintenance`);
    await page.getByLabel('名称').fill('机房空调检修');
    await page.getByLabel('原因').fill('季度维护');
    await page.getByLabel('目标（逗号分隔，空 = 全部）').fill(TARGET);
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('[data-maintenance="机房空调检修"]').waitFor();
    const windows = await api('/api/v1/maintenance');
    expect(windows.items).toEqual([expect.objectContaining({ name: '机房空调检修', reason: '季度维护', targets: [TARGET], created_by: 'root', kind: 'once' })]);
    await check(page, '09-maintenance-added');

    await page.goto(`${base}/#/reports`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-report="inspection"][data-format="pdf"]').click()]);
    const file = await download.path();
    expect(readFileSync(file!).subarray(0, 4).toString()).toBe('%PDF');
    await page.goto(`${base}/#/sessions`);
    await page.locator('.card').first().waitFor();
    await check(page, '11-sessions');
    await ctx.close();
  });

  it('a 375×812 phone shows the incident page without horizontal scrolling; the webhook deep link opens it', async () => {
    const delivered = await waitUntil(() => receiver.accepted('webhook').find((r) => (r.body as any)?.incident?.number === number), 20_000, 'webhook for the incident');
    const link = (delivered.body as any).incident.url as string;
    expect(link).toBe(`${base}/#/incidents/${number}`);
    // The WeCom template card opens the same page when tapped, and lists it as 查看工单.
    const wecom = receiver.accepted('wecom').find((r) => (r.body as any)?.template_card?.main_title?.title?.includes(number));
    expect((wecom?.body as any)?.template_card).toMatchObject({ card_type: 'text_notice', card_action: { type: 1, url: link }, jump_list: [{ type: 1, title: '查看工单', url: link }, { title: '认领' }] });
    const ctx = await context({ width: 375, height: 812 });
    const page = await ctx.newPage();
    await page.goto(link);
    await page.getByLabel('用户名').fill('alice');
    await page.getByLabel('密码').fill(USERS.alice);
    await page.getByLabel('在此设备上记住我（30 天）').check();
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator(`.incident[data-number="${number}"]`).waitFor();
    const widths = await page.evaluate(() => {
      const g = globalThis as any;
      return { scroll: g.document.documentElement.scrollWidth as number, inner: g.innerWidth as number };
    });
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
    await check(page, '12-incident-phone');
    const cookies = await ctx.cookies();
    expect(cookies.find((c) => c.name === 'outpost_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies.find((c) => c.name === 'outpost_session')!.expires).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
    await ctx.close();
  });

  it('the per-contract status page opens by its secret link without a login', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(`${base}/#/status/${SECRET}`);
    await page.getByRole('heading', { name: 'acme 服务状态' }).waitFor();
    expect(await page.locator('.status-targets li').count()).toBe(1);
    await check(page, '13-status-page');
    writeFileSync(join(shots, 'README.txt'), 'Screenshots written by test/browser/console.test.ts (zh-CN).\n');
    await ctx.close();
  });
});
