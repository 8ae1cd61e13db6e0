/** Builds the configured channels: one literal map from `type` to its factory. */
import type { ChannelConfig } from './config.js';
import { createDingtalkChannel } from './dingtalk.js';
import { createEmailChannel } from './email.js';
import { createFeishuChannel } from './feishu.js';
import type { Channel, ChannelDeps } from './types.js';
import { createWebhookChannel } from './webhook.js';
import { createWecomChannel } from './wecom.js';

type Factories = {
  [T in ChannelConfig['type']]: (name: string, cfg: Extract<ChannelConfig, { type: T }>, deps: ChannelDeps) => Channel;
};

export const CHANNEL_FACTORIES: Factories = {
  webhook: createWebhookChannel,
  email: createEmailChannel,
  dingtalk: createDingtalkChannel,
  wecom: createWecomChannel,
  feishu: createFeishuChannel,
};

export function createChannel(name: string, cfg: ChannelConfig, deps: ChannelDeps): Channel {
  const factory = CHANNEL_FACTORIES[cfg.type] as (name: string, cfg: ChannelConfig, deps: ChannelDeps) => Channel;
  return factory(name, cfg, deps);
}

export function createChannels(configs: Record<string, ChannelConfig>, deps: ChannelDeps): Map<string, Channel> {
  const channels = new Map<string, Channel>();
  for (const [name, cfg] of Object.entries(configs)) channels.set(name, createChannel(name, cfg, deps));
  return channels;
}
