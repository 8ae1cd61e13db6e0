/**
 * WeCom group robot (企业微信群机器人): markdown message to `…/cgi-bin/webhook/send?key=…`. The robot has no signing;
 * the key in the URL is the secret. WeCom answers HTTP 200 with `{"errcode":0,"errmsg":"ok"}`; any other errcode is a
 * failure (93000 = invalid key: permanent; 45009 = over the 20 msgs/min limit: retried). Markdown content is
 * limited to 4096 bytes, so longer text is cut at a character boundary.
 */
import type { WecomChannelConfig } from './config.js';
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

export function wecomBody(message: RenderedNotice, cfg: Pick<WecomChannelConfig, 'mention_users'>): object {
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
