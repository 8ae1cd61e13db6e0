/**
 * DingTalk custom robot (自定义机器人): an incident with a console link goes as an `actionCard` whose buttons are
 * 查看工单 and 认领 (card-links.ts); everything else — no `api.public_url`, a report, or a channel that @-mentions
 * people (an actionCard cannot @ anyone, and a page that rings nobody is worse than one without buttons) — as
 * markdown with the links in its text. Sent to `…/robot/send?access_token=…`. With a 加签 secret the URL
 * gets `&timestamp=<ms>&sign=<urlencoded base64 HMAC>` (signing.ts). DingTalk answers HTTP 200 with
 * `{"errcode":0,"errmsg":"ok"}`; any other errcode is a failure (310000 = bad signature / stale timestamp,
 * 300001 = bad token: permanent; 130101 = sending too fast: retried).
 */
import type { DingtalkChannelConfig } from './config.js';
import { cardLinks, markdownWithoutLinks, type CardLink } from './card-links.js';
import { postJson, vendorError } from './http.js';
import { dingtalkSign } from './signing.js';
import { DeliveryError, type Channel, type ChannelDeps, type RenderedNotice } from './types.js';

/** errcodes worth retrying: rate limits and server-side trouble. */
const RETRYABLE_ERRCODES = new Set([130101, 130102, -1]);

export function dingtalkUrl(cfg: Pick<DingtalkChannelConfig, 'url' | 'secret'>, nowMs: number): string {
  const url = new URL(cfg.url);
  if (cfg.secret) {
    const timestamp = Math.floor(nowMs);
    url.searchParams.set('timestamp', String(timestamp));
    url.searchParams.set('sign', dingtalkSign(cfg.secret, timestamp));
  }
  return url.toString();
}

export function dingtalkBody(message: RenderedNotice, cfg: Pick<DingtalkChannelConfig, 'at_mobiles' | 'at_all'>): object {
  const links = cardLinks(message);
  if (links.length && cfg.at_mobiles.length === 0 && !cfg.at_all) {
    const text = markdownWithoutLinks(message.markdown, links);
    const [open, claim] = links as [CardLink, ...CardLink[]];
    // One button: the single-link form; two: side by side (btnOrientation 1).
    const card = claim
      ? { title: message.title, text, btnOrientation: '1', btns: links.map((l) => ({ title: l.title, actionURL: l.url })) }
      : { title: message.title, text, singleTitle: open.title, singleURL: open.url };
    return { msgtype: 'actionCard', actionCard: card };
  }
  // A mobile is only highlighted (and notified) when `@<mobile>` also appears in the text.
  const mentions = cfg.at_mobiles.map((m) => `@${m}`).join(' ');
  return {
    msgtype: 'markdown',
    markdown: { title: message.title, text: mentions ? `${message.markdown}\n\n${mentions}` : message.markdown },
    at: { atMobiles: cfg.at_mobiles, isAtAll: cfg.at_all },
  };
}

export function createDingtalkChannel(name: string, cfg: DingtalkChannelConfig, deps: ChannelDeps): Channel {
  const doFetch = deps.fetch ?? fetch;
  return {
    name,
    type: 'dingtalk',
    async send(message, opts = {}) {
      const { json } = await postJson({
        fetch: doFetch,
        url: dingtalkUrl(cfg, deps.now()),
        body: JSON.stringify(dingtalkBody(message, cfg)),
        timeoutMs: cfg.timeout,
        signal: opts.signal,
      });
      const error = vendorError(json, ['errcode'], ['errmsg']);
      if (error) {
        const retryable = typeof error.code === 'number' && RETRYABLE_ERRCODES.has(error.code);
        throw new DeliveryError(`DingTalk errcode ${error.code}: ${error.message}`, retryable);
      }
    },
  };
}
