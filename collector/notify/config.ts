/**
 * Collector config section `notifications:` — named channels (webhook, email, DingTalk, WeCom, Feishu), routes by
 * severity and notice kind, retry policy and message language. Secrets come from `${ENV}` (substituted by
 * common/config.ts before this schema runs). Strict: unknown keys are errors, route channel names must exist.
 */
import { z } from 'zod';
import { durationSchema } from '../../common/duration.js';
import { SEVERITIES, type IncidentNoticeKind, type Severity } from '../events.js';

export const NOTICE_KINDS = [
  'opened',
  'updated',
  'acknowledged',
  'resolved',
  'reopened',
  'closed',
  'escalated',
  'sla_warning',
  'sla_breach',
  'report_reminder',
] as const satisfies readonly IncidentNoticeKind[];

export const CHANNEL_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL'});
/** Only judged for a valid http(s) URL: anything else is already reported by the URL check. */
function hasKeyParam(url: string): boolean {
  try {
    const parsed = new URL(url);
    return !/^https?:$/.test(parsed.protocol) || parsed.searchParams.has('key');
  } catch {
    return true;
  }
}
const secret = z.string().min(1, 'must not be empty');
/** Per-request limit for one delivery attempt. */
const timeout = durationSchema({ min: '100ms', max: '5m' }).default(10_000);

export const webhookChannelSchema = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl,
  /** Signs `<timestamp>.<body>` with HMAC-SHA256 into `X-Outpost-Signature`; unsigned when absent. */
  secret: secret.optional(),
  /** Extra request headers, e.g. `Authorization: Bearer ${TOKEN}`. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'invalid header name'), z.string()).default({}),
  timeout,
});

export const emailChannelSchema = z.strictObject({
  type: z.literal('email'),
  host: z.string().min(1),
  port: z.int().min(1).max(65_535).default(25),
  /** `tls`: implicit TLS (port 465); `starttls`: upgrade required; `none`: plain SMTP (local relay only). */
  security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  /** Set false only for a relay with a self-signed certificate. */
  tls_reject_unauthorized: z.boolean().default(true),
  auth: z.strictObject({ user: z.string().min(1), pass: secret }).optional(),
  from: z.string().min(3),
  to: z.array(z.email()).min(1, 'needs at least one recipient'),
  cc: z.array(z.email()).default([]),
  timeout,
});

export const dingtalkChannelSchema = z.strictObject({
  type: z.literal('dingtalk'),
  /** `https://oapi.dingtalk.com/robot/send?access_token=...` */
  url: httpUrl,
  /** The robot's 加签 secret (`SEC...`); required unless the robot uses keyword / IP security. */
  secret: secret.optional(),
  at_mobiles: z.array(z.string().regex(/^\+?[0-9-]{5,20}$/, 'not a phone number')).default([]),
  at_all: z.boolean().default(false),
  timeout,
});

export const wecomChannelSchema = z.strictObject({
  type: z.literal('wecom'),
  /** `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...` */
  url: httpUrl.refine(hasKeyParam, 'must contain ?key='),
  /** WeCom user ids to mention with `<@userid>` in the markdown message. */
  mention_users: z.array(z.string().min(1)).default([]),
  timeout,
});

export const feishuChannelSchema = z.strictObject({
  type: z.literal('feishu'),
  /** `https://open.feishu.cn/open-apis/bot/v2/hook/...` (Lark: open.larksuite.com) */
  url: httpUrl,
  /** The bot's 签名校验 secret; unsigned when absent. */
  secret: secret.optional(),
  /** `card`: interactive card with a colored header and a link button; `post`: rich text. */
  format: z.enum(['card', 'post']).default('card'),
  timeout,
});

export const channelConfigSchema = z.discriminatedUnion('type', [
  webhookChannelSchema,
  emailChannelSchema,
  dingtalkChannelSchema,
  wecomChannelSchema,
  feishuChannelSchema,
]);

export const routeSchema = z.strictObject({
  /** Empty or absent: every severity. */
  severities: z.array(z.enum(SEVERITIES as [Severity, ...Severity[]])).optional(),
  /** Empty or absent: every kind. */
  kinds: z.array(z.enum(NOTICE_KINDS)).optional(),
  channels: z.array(z.string()).min(1, 'needs at least one channel'),
});

export const retrySchema = z.strictObject({
  /** Total delivery attempts per message and channel (1 = no retry). */
  attempts: z.int().min(1).max(20).default(5),
  base_delay: durationSchema({ max: '1h' }).default(2_000),
  max_delay: durationSchema({ max: '6h' }).default(300_000),
});

export const notifyConfigSchema = z
  .strictObject({
    channels: z.record(z.string(), channelConfigSchema).default({}),
    routes: z.array(routeSchema).default([]),
    retry: retrySchema.default({ attempts: 5, base_delay: 2_000, max_delay: 300_000 }),
    /** Messages waiting per channel; beyond it new messages are refused (and reported as failed deliveries). */
    queue_size: z.int().min(1).max(100_000).default(1_000),
    /** Default: the collector's top-level `lang` (resolved where the config is loaded). */
    lang: z.enum(['zh-CN', 'en']).optional(),
  })
  .superRefine((cfg, ctx) => {
    for (const name of Object.keys(cfg.channels)) {
      if (!CHANNEL_NAME_PATTERN.test(name)) {
        ctx.addIssue({ code: 'custom', path: ['channels', name], message: 'channel names are lower-case letters, digits, - and _' });
      }
    }
    cfg.routes.forEach((route, i) => {
      route.channels.forEach((name, j) => {
        if (!(name in cfg.channels)) {
          ctx.addIssue({ code: 'custom', path: ['routes', i, 'channels', j], message: `unknown channel "${name}"` });
        }
      });
    });
    if (cfg.retry.max_delay < cfg.retry.base_delay) {
      ctx.addIssue({ code: 'custom', path: ['retry', 'max_delay'], message: 'must not be shorter than base_delay' });
    }
  })
  .default({ channels: {}, routes: [], retry: { attempts: 5, base_delay: 2_000, max_delay: 300_000 }, queue_size: 1_000 });

export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type WebhookChannelConfig = z.infer<typeof webhookChannelSchema>;
export type EmailChannelConfig = z.infer<typeof emailChannelSchema>;
export type DingtalkChannelConfig = z.infer<typeof dingtalkChannelSchema>;
export type WecomChannelConfig = z.infer<typeof wecomChannelSchema>;
export type FeishuChannelConfig = z.infer<typeof feishuChannelSchema>;
export type NotifyRoute = z.infer<typeof routeSchema>;
export type RetryPolicy = z.infer<typeof retrySchema>;
export type NotifyLang = NonNullable<NotifyConfig['lang']>;
