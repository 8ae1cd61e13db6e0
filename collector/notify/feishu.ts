/**
 * Feishu / Lark custom bot (自定义机器人): an interactive card (colored header, fields in lark_md, a button to the
 * ticket) or a rich-text `post`. With a 签名校验 secret the JSON body carries `timestamp` (seconds, as a string) and
 * `sign` (signing.ts). Feishu answers HTTP 200 with `{"code":0,"msg":"success"}` (older deployments:
 * `{"StatusCode":0}`); any other code is a failure (19021 = bad signature / stale timestamp, 19001 = bad
 * token: permanent; 9499 / 11232 = rate limited: retried).
 */
import type { FeishuChannelConfig } from './config.js';
import { postJson, vendorError } from './http.js';
import { claimUrl, SEVERITY_COLOR } from './render.js';
import { feishuSign } from './signing.js';
import { DeliveryError, type Channel, type ChannelDeps, type RenderedNotice } from './types.js';

const RETRYABLE_CODES = new Set([9499, 11232, 11233]);

/** lark_md renders bold, links and line breaks but not `###` headings: drop the heading line (it is the card title). */
function cardMarkdown(markdown: string): string {
  return markdown.replace(/^### .*\n+/, '');
}

export function feishuMessage(message: RenderedNotice, format: FeishuChannelConfig['format']): Record<string, unknown> {
  const url = message.notice?.incident.url;
  const claim = claimUrl(message.notice);
  if (format === 'post') {
    const lines = message.text.split('\n').slice(1).filter((line) => line.trim() !== '');
    const content: Array<Array<Record<string, string>>> = lines.map((line) => [{ tag: 'text', text: line }]);
    if (url) content.push([{ tag: 'a', text: url, href: url }]);
    return { msg_type: 'post', content: { post: { zh_cn: { title: message.title, content } } } };
  }
  const elements: object[] = [{ tag: 'div', text: { tag: 'lark_md', content: cardMarkdown(message.markdown) } }];
  if (url) {
    elements.push({
      tag: 'action',
      actions: [
        { tag: 'button', text: { tag: 'plain_text', content: message.lang === 'en' ? 'Open ticket' : '查看工单' }, url, type: 'primary' },
        // 认领: the console opens the incident with the acknowledge dialog ready.
        ...(claim ? [{ tag: 'button', text: { tag: 'plain_text', content: message.lang === 'en' ? 'Acknowledge' : '认领' }, url: claim, type: 'default' }] : []),
      ],
    });
  }
  const severity = message.notice?.incident.severity;
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: message.title }, template: severity ? SEVERITY_COLOR[severity].feishu : 'blue' },
      elements,
    },
  };
}

export function createFeishuChannel(name: string, cfg: FeishuChannelConfig, deps: ChannelDeps): Channel {
  const doFetch = deps.fetch ?? fetch;
  return {
    name,
    type: 'feishu',
    async send(message, opts = {}) {
      const body: Record<string, unknown> = {};
      if (cfg.secret) {
        const timestamp = Math.floor(deps.now() / 1000);
        body.timestamp = String(timestamp);
        body.sign = feishuSign(cfg.secret, timestamp);
      }
      Object.assign(body, feishuMessage(message, cfg.format));
      const { json } = await postJson({
        fetch: doFetch,
        url: cfg.url,
        body: JSON.stringify(body),
        timeoutMs: cfg.timeout,
        signal: opts.signal,
      });
      const error = vendorError(json, ['code', 'StatusCode'], ['msg', 'StatusMessage']);
      if (error) {
        const retryable = typeof error.code === 'number' && RETRYABLE_CODES.has(error.code);
        throw new DeliveryError(`Feishu code ${error.code}: ${error.message}`, retryable);
      }
    },
  };
}
