/**
 * Generic webhook: POSTs a JSON document describing the notice.
 *
 * Body (snake_case, `version` bumps only on incompatible change):
 *   { "version": 1, "kind": "opened", "at": "<ISO time>", "title": "…", "text": "…", "markdown": "…",
 *     "incident": { "id", "number", "title", "severity", "status", "target", "check_id", "opened_at", "url" },
 *     "actor", "note", "detail" }
 * Headers when `secret` is set (see signing.ts):
 *   X-Outpost-Timestamp: <unix seconds>
 *   X-Outpost-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * Receivers should recompute over the raw body, compare in constant time and reject timestamps older than ~5 min.
 * Any 2xx is success; 429/5xx/network errors are retried; other statuses are permanent failures.
 */
import { OUTPOST_VERSION } from '../../common/version.js';
import type { WebhookChannelConfig } from './config.js';
import { postJson } from './http.js';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, webhookSignature } from './signing.js';
import type { Channel, ChannelDeps, RenderedNotice } from './types.js';

export const WEBHOOK_BODY_VERSION = 1;

export function webhookBody(message: RenderedNotice, nowMs: number): Record<string, unknown> {
  const notice = message.notice;
  const base: Record<string, unknown> = {
    version: WEBHOOK_BODY_VERSION,
    kind: notice?.kind ?? 'message',
    at: new Date(notice?.atMs ?? nowMs).toISOString(),
    title: message.title,
    text: message.text,
    markdown: message.markdown,
  };
  if (!notice) return base;
  const { incident } = notice;
  return {
    ...base,
    incident: {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      title_code: incident.titleCode ?? null,
      title_params: incident.titleCode ? (incident.titleParams ?? {}) : null,
      severity: incident.severity,
      status: incident.status,
      target: incident.target,
      check_id: incident.checkId,
      opened_at: new Date(incident.openedAtMs).toISOString(),
      url: incident.url ?? null,
      api_url: incident.apiUrl ?? null,
    },
    actor: notice.actor ?? null,
    note: notice.note ?? null,
    note_code: notice.noteText?.code ?? null,
    note_params: notice.noteText?.params ?? null,
    detail: notice.detail ?? null,
  };
}

export function createWebhookChannel(name: string, cfg: WebhookChannelConfig, deps: ChannelDeps): Channel {
  const doFetch = deps.fetch ?? fetch;
  return {
    name,
    type: 'webhook',
    async send(message, opts = {}) {
      const nowMs = deps.now();
      const body = JSON.stringify(webhookBody(message, nowMs));
      const headers: Record<string, string> = { 'user-agent': `outpost/${OUTPOST_VERSION}`, ...cfg.headers };
      if (cfg.secret) {
        const timestamp = Math.floor(nowMs / 1000);
        headers[WEBHOOK_TIMESTAMP_HEADER] = String(timestamp);
        headers[WEBHOOK_SIGNATURE_HEADER] = webhookSignature(cfg.secret, timestamp, body);
      }
      await postJson({ fetch: doFetch, url: cfg.url, body, headers, timeoutMs: cfg.timeout, signal: opts.signal });
    },
  };
}
