/**
 * A local HTTP server (127.0.0.1, free port) that emulates the DingTalk, WeCom and Feishu robot endpoints and a
 * signed generic webhook. It VERIFIES signatures with the vendors' published algorithms — implemented here
 * independently of collector/notify/signing.ts — and answers like the vendors do (HTTP 200 + error JSON) on a bad
 * token, bad signature or stale timestamp. Every request is recorded. `failNext` makes an endpoint fail N times.
 *
 *   POST /dingtalk/robot/send?access_token=T[&timestamp=ms&sign=…]
 *   POST /wecom/cgi-bin/webhook/send?key=K
 *   POST /feishu/open-apis/bot/v2/hook/T        (body: timestamp (s), sign)
 *   POST /webhook                               (X-Outpost-Timestamp, X-Outpost-Signature: sha256=…)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Vendor = 'dingtalk' | 'wecom' | 'feishu' | 'webhook';

export interface ReceivedRequest {
  vendor: Vendor;
  url: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: unknown;
  /** Whether the receiver accepted it (signature valid, no injected failure). */
  accepted: boolean;
  /** What the receiver answered (for assertions on the vendor error). */
  answer: { status: number; body: unknown };
}

export interface ImReceiverOptions {
  dingtalk?: { accessToken: string; secret?: string };
  wecom?: { key: string };
  feishu?: { token: string; secret?: string };
  webhook?: { secret: string };
  /** Receiver clock for the staleness check (default Date.now). */
  now?: () => number;
}

/** `http500`: HTTP 500; `vendor`: HTTP 200 with the vendor's rate-limit error code (retryable); `reset`: drop the socket. */
export type FailureMode = 'http500' | 'vendor' | 'reset';

export interface ImReceiver {
  port: number;
  baseUrl: string;
  urls: { dingtalk: string; wecom: string; feishu: string; webhook: string };
  received: ReceivedRequest[];
  accepted(vendor: Vendor): ReceivedRequest[];
  failNext(vendor: Vendor, times: number, mode?: FailureMode): void;
  close(): Promise<void>;
}

const ONE_HOUR_MS = 3_600_000;
const WEBHOOK_MAX_AGE_S = 300;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

type Verdict = { status: number; body: unknown };

const RATE_LIMIT: Record<Vendor, Verdict> = {
  dingtalk: { status: 200, body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } },
  wecom: { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } },
  feishu: { status: 200, body: { code: 9499, msg: 'too many request', data: {} } },
  webhook: { status: 429, body: { error: 'slow down' } },
};

export async function startImReceiver(opts: ImReceiverOptions): Promise<ImReceiver> {
  const now = opts.now ?? Date.now;
  const received: ReceivedRequest[] = [];
  const failures = new Map<Vendor, { left: number; mode: FailureMode }>();

  function verifyDingtalk(url: URL, body: unknown): Verdict {
    const cfg = opts.dingtalk;
    if (!cfg || url.searchParams.get('access_token') !== cfg.accessToken) {
      return { status: 200, body: { errcode: 300001, errmsg: 'token is not exist' } };
    }
    if (cfg.secret) {
      const timestamp = url.searchParams.get('timestamp') ?? '';
      const sign = url.searchParams.get('sign') ?? '';
      if (!/^\d+$/.test(timestamp) || Math.abs(now() - Number(timestamp)) > ONE_HOUR_MS) {
        return { status: 200, body: { errcode: 310000, errmsg: 'invalid timestamp' } };
      }
      // Official algorithm: base64(HmacSHA256(key=secret, "timestamp\nsecret")); URLSearchParams already decoded it.
      const expected = createHmac('sha256', cfg.secret).update(`${timestamp}\n${cfg.secret}`).digest('base64');
      if (!safeEqual(expected, sign)) return { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } };
    }
    const msg = body as { msgtype?: string; markdown?: { title?: string; text?: string }; actionCard?: Record<string, unknown> };
    if (msg?.msgtype === 'actionCard') {
      // An actionCard needs title and text, and either singleTitle + singleURL or btns of {title, actionURL}.
      const card = msg.actionCard ?? {};
      const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\//.test(v);
      const single = typeof card.singleTitle === 'string' && isUrl(card.singleURL);
      const btns = Array.isArray(card.btns) && card.btns.length > 0 && card.btns.every((b: { title?: unknown; actionURL?: unknown }) => typeof b.title === 'string' && isUrl(b.actionURL));
      if (!card.title || !card.text || single === btns) return { status: 200, body: { errcode: 40035, errmsg: '缺少参数 actionCard' } };
      return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    }
    if (msg?.msgtype !== 'markdown' || !msg.markdown?.title || !msg.markdown?.text) {
      return { status: 200, body: { errcode: 40035, errmsg: '缺少参数 markdown' } };
    }
    return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  }

  function verifyWecom(url: URL, body: unknown): Verdict {
    if (!opts.wecom || url.searchParams.get('key') !== opts.wecom.key) {
      return { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url, hint: [1700000000_1_abc]' } };
    }
    const msg = body as { msgtype?: string; markdown?: { content?: string }; template_card?: Record<string, any> };
    if (msg?.msgtype === 'template_card') return verifyWecomCard(msg.template_card);
    const content = msg?.markdown?.content;
    if (msg?.msgtype !== 'markdown' || typeof content !== 'string') {
      return { status: 200, body: { errcode: 40008, errmsg: 'invalid message type' } };
    }
    if (Buffer.byteLength(content, 'utf8') > 4096) {
      return { status: 200, body: { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' } };
    }
    return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  }

  /** A group robot's text_notice card: card_action (type 1 with a url) required, ≤ 6 rows, ≤ 3 links of type 1. */
  function verifyWecomCard(card: Record<string, any> | undefined): Verdict {
    const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\//.test(v);
    const bad = (errmsg: string): Verdict => ({ status: 200, body: { errcode: 40058, errmsg } });
    if (!card || card.card_type !== 'text_notice') return bad('template_card.card_type invalid');
    if (!card.main_title?.title && !card.sub_title_text) return bad('template_card.main_title.title or sub_title_text required');
    if (card.card_action?.type !== 1 || !isUrl(card.card_action.url)) return bad('template_card.card_action invalid');
    const rows = card.horizontal_content_list ?? [];
    if (!Array.isArray(rows) || rows.length > 6 || rows.some((r: { keyname?: unknown }) => typeof r.keyname !== 'string')) return bad('template_card.horizontal_content_list invalid');
    const jumps = card.jump_list ?? [];
    if (!Array.isArray(jumps) || jumps.length > 3 || jumps.some((j: { type?: unknown; title?: unknown; url?: unknown }) => j.type !== 1 || typeof j.title !== 'string' || !isUrl(j.url))) {
      return bad('template_card.jump_list invalid');
    }
    return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  }

  function verifyFeishu(url: URL, body: unknown): Verdict {
    const cfg = opts.feishu;
    if (!cfg || url.pathname !== `/feishu/open-apis/bot/v2/hook/${cfg.token}`) {
      return { status: 200, body: { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} } };
    }
    const msg = (body ?? {}) as { timestamp?: string; sign?: string; msg_type?: string };
    if (cfg.secret) {
      const timestamp = String(msg.timestamp ?? '');
      const fresh = /^\d+$/.test(timestamp) && Math.abs(now() / 1000 - Number(timestamp)) <= ONE_HOUR_MS / 1000;
      // Official algorithm: base64(HmacSHA256(key="timestamp\nsecret", message="")).
      const expected = createHmac('sha256', `${timestamp}\n${cfg.secret}`).update('').digest('base64');
      if (!fresh || !safeEqual(expected, String(msg.sign ?? ''))) {
        return { status: 200, body: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} } };
      }
    }
    if (msg.msg_type !== 'interactive' && msg.msg_type !== 'post' && msg.msg_type !== 'text') {
      return { status: 200, body: { code: 19002, msg: 'params error, msg_type need', data: {} } };
    }
    return { status: 200, body: { code: 0, msg: 'success', data: {} } };
  }

  function verifyWebhook(req: IncomingMessage, rawBody: string): Verdict {
    if (!opts.webhook) return { status: 404, body: { error: 'no webhook configured' } };
    const timestamp = String(req.headers['x-outpost-timestamp'] ?? '');
    const signature = String(req.headers['x-outpost-signature'] ?? '');
    if (!/^\d+$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > WEBHOOK_MAX_AGE_S) {
      return { status: 401, body: { error: 'stale or missing timestamp' } };
    }
    const expected = 'sha256=' + createHmac('sha256', opts.webhook.secret).update(`${timestamp}.${rawBody}`).digest('hex');
    if (!safeEqual(expected, signature)) return { status: 401, body: { error: 'bad signature' } };
    return { status: 204, body: null };
  }

  function vendorOf(url: URL): Vendor | null {
    if (url.pathname === '/dingtalk/robot/send') return 'dingtalk';
    if (url.pathname === '/wecom/cgi-bin/webhook/send') return 'wecom';
    if (url.pathname.startsWith('/feishu/open-apis/bot/v2/hook/')) return 'feishu';
    if (url.pathname === '/webhook') return 'webhook';
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    const vendor = vendorOf(url);
    if (req.method !== 'POST' || !vendor) {
      res.writeHead(404).end();
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const failure = failures.get(vendor);
    let verdict: Verdict;
    let accepted = false;
    if (failure && failure.left > 0) {
      failure.left--;
      if (failure.mode === 'reset') {
        received.push({ vendor, url: url.toString(), headers: req.headers, rawBody, body, accepted: false, answer: { status: 0, body: null } });
        req.socket.destroy();
        return;
      }
      verdict = failure.mode === 'http500' ? { status: 500, body: { error: 'injected failure' } } : RATE_LIMIT[vendor];
    } else {
      if (vendor === 'dingtalk') verdict = verifyDingtalk(url, body);
      else if (vendor === 'wecom') verdict = verifyWecom(url, body);
      else if (vendor === 'feishu') verdict = verifyFeishu(url, body);
      else verdict = verifyWebhook(req, rawBody);
      const vendorBody = verdict.body as { errcode?: number; code?: number } | null;
      accepted = verdict.status < 300 && (vendorBody?.errcode ?? vendorBody?.code ?? 0) === 0;
    }
    received.push({ vendor, url: url.toString(), headers: req.headers, rawBody, body, accepted, answer: verdict });
    if (verdict.body === null) res.writeHead(verdict.status).end();
    else res.writeHead(verdict.status, { 'content-type': 'application/json' }).end(JSON.stringify(verdict.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    port,
    baseUrl,
    urls: {
      dingtalk: `${baseUrl}/dingtalk/robot/send?access_token=${opts.dingtalk?.accessToken ?? 'none'}`,
      wecom: `${baseUrl}/wecom/cgi-bin/webhook/send?key=${opts.wecom?.key ?? 'none'}`,
      feishu: `${baseUrl}/feishu/open-apis/bot/v2/hook/${opts.feishu?.token ?? 'none'}`,
      webhook: `${baseUrl}/webhook`,
    },
    received,
    accepted: (vendor) => received.filter((r) => r.vendor === vendor && r.accepted),
    failNext(vendor, times, mode = 'http500') {
      failures.set(vendor, { left: times, mode });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
