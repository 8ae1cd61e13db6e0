/**
 * WeCom group robot (企业微信群机器人), `…/cgi-bin/webhook/send?key=…`: an incident with a console link goes as a
 * `template_card` of type `text_notice` (group robots support it: the card opens `card_action`'s URL when tapped, and
 * `jump_list` shows 查看工单 and 认领 as links; `button_interaction` would need a callback server the robot cannot
 * have). Everything else — no `api.public_url`, a report, or a channel with `mention_users` (a card cannot
 * mention anyone, and a page that rings nobody is worse than one without buttons) — as markdown with the links in
 * its text. The robot has no signing;
 * the key in the URL is the secret. WeCom answers HTTP 200 with `{"errcode":0,"errmsg":"ok"}`; any other errcode is a
 * failure (93000 = invalid key: permanent; 45009 = over the 20 msgs/min limit: retried). Markdown content is
 * limited to 4096 bytes, so longer text is cut at a character boundary.
 */
import type { WecomChannelConfig } from './config.js';
import { cardLinks, type CardLink } from './card-links.js';
import { postJson, vendorError } from './http.js';
import { DeliveryError, type Channel, type ChannelDeps, type RenderedNotice } from './types.js';

export const WECOM_MARKDOWN_MAX_BYTES = 4096;
const RETRYABLE_ERRCODES = new Set([45009, -1]);

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const ellipsis = '…';
  const budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    out += char;
  }
  return out + ellipsis;
}

/** WeCom shows at most 6 rows of facts and 3 links on a card; a row's value is meant to be short (the whole note is one tap away). */
const CARD_MAX_ROWS = 6;
const CARD_VALUE_MAX_CHARS = 64;

function shortValue(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length <= CARD_VALUE_MAX_CHARS ? chars.join('') : `${chars.slice(0, CARD_VALUE_MAX_CHARS - 1).join('')}…`;
}

function templateCard(message: RenderedNotice, links: readonly CardLink[]): object {
  const [open] = links as [CardLink, ...CardLink[]];
  const severity = message.notice?.incident.severity;
  // The first two facts are severity and status, which the title already says (【P1 紧急】INC-… 已创建).
  const rows = (message.fields ?? []).slice(2, 2 + CARD_MAX_ROWS).map((f) => ({ keyname: f.label, value: shortValue(f.value) }));
  return {
    msgtype: 'template_card',
    template_card: {
      card_type: 'text_notice',
      // desc_color 2 = red for the urgent levels, 0 = grey otherwise.
      source: { desc: 'Outpost', desc_color: severity === 'P1' || severity === 'P2' ? 2 : 0 },
      main_title: { title: message.title },
      horizontal_content_list: rows,
      jump_list: links.map((l) => ({ type: 1, title: l.title, url: l.url })),
      card_action: { type: 1, url: open.url },
    },
  };
}

export function wecomBody(message: RenderedNotice, cfg: Pick<WecomChannelConfig, 'mention_users'>): object {
  const links = cardLinks(message);
  if (links.length && cfg.mention_users.length === 0) return templateCard(message, links);
  const mentions = cfg.mention_users.map((u) => `<@${u}>`).join(' ');
  const content = mentions ? `${message.markdown}\n\n${mentions}` : message.markdown;
  return { msgtype: 'markdown', markdown: { content: truncateUtf8(content, WECOM_MARKDOWN_MAX_BYTES) } };
}

export function createWecomChannel(name: string, cfg: WecomChannelConfig, deps: ChannelDeps): Channel {
  const doFetch = deps.fetch ?? fetch;
  return {
    name,
    type: 'wecom',
    async send(message, opts = {}) {
      const { json } = await postJson({
        fetch: doFetch,
        url: cfg.url,
        body: JSON.stringify(wecomBody(message, cfg)),
        timeoutMs: cfg.timeout,
        signal: opts.signal,
      });
      const error = vendorError(json, ['errcode'], ['errmsg']);
      if (error) {
        const retryable = typeof error.code === 'number' && RETRYABLE_ERRCODES.has(error.code);
        throw new DeliveryError(`WeCom errcode ${error.code}: ${error.message}`, retryable);
      }
    },
  };
}
