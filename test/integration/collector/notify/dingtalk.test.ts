import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dingtalkChannelSchema } from '../../../../collector/notify/config.js';
import { createDingtalkChannel } from '../../../../collector/notify/dingtalk.js';
import { DeliveryError } from '../../../../collector/notify/types.js';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { channelDeps, sampleMessage } from './fixtures.js';

const SECRET = 'SEC5f1e0d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100';
let receiver: ImReceiver;

beforeAll(async () => {
  receiver = await startImReceiver({ dingtalk: { accessToken: 'tok-123', secret: SECRET } });
});
afterAll(async () => {
  await receiver.close();
});

function channel(over: Record<string, unknown> = {}, now?: () => number) {
  const cfg = dingtalkChannelSchema.parse({ type: 'dingtalk', url: receiver.urls.dingtalk, secret: SECRET, ...over });
  return createDingtalkChannel('oncall-dingtalk', cfg, channelDeps(now));
}

describe('DingTalk channel against a local robot endpoint that verifies signatures', () => {
  it('delivers a signed markdown message with @mobiles', async () => {
    const before = receiver.accepted('dingtalk').length;
    await channel({ at_mobiles: ['13800138000'] }).send(sampleMessage());
    const got = receiver.accepted('dingtalk');
    expect(got).toHaveLength(before + 1);
    const body = got.at(-1)!.body as { msgtype: string; markdown: { title: string; text: string }; at: { atMobiles: string[]; isAtAll: boolean } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss');
    expect(body.markdown.text).toContain('- **对象**: web-01');
    expect(body.markdown.text.endsWith('@13800138000')).toBe(true);
    expect(body.at).toEqual({ atMobiles: ['13800138000'], isAtAll: false });
    const url = new URL(got.at(-1)!.url);
    expect(url.searchParams.get('access_token')).toBe('tok-123');
    expect(url.searchParams.get('sign')).toBeTruthy();
  });

  it('an incident with a console link goes as a signed actionCard with 查看工单 and 认领 buttons; the robot accepts it', async () => {
    const link = 'http://127.0.0.1:8080/#/incidents/INC-20261121-0007';
    const before = receiver.accepted('dingtalk').length;
    await channel().send(sampleMessage({}, { url: link }));
    const got = receiver.accepted('dingtalk');
    expect(got).toHaveLength(before + 1);
    expect(got.at(-1)!.body).toMatchObject({
      msgtype: 'actionCard',
      actionCard: {
        title: '【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss',
        btns: [
          { title: '查看工单', actionURL: link },
          { title: '认领', actionURL: `${link}?ack=1` },
        ],
      },
    });
  });

  it('wrong secret → DingTalk 310000 "sign not match", a permanent failure', async () => {
    const error = await channel({ secret: 'SECwrong' }).send(sampleMessage()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).message).toBe('DingTalk errcode 310000: sign not match');
    expect((error as DeliveryError).retryable).toBe(false);
  });

  it('a clock two hours behind → 310000 "invalid timestamp"', async () => {
    const error = await channel({}, () => Date.now() - 2 * 3_600_000).send(sampleMessage()).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toBe('DingTalk errcode 310000: invalid timestamp');
  });

  it('missing secret while the robot requires signing → rejected', async () => {
    const error = await channel({ secret: undefined }).send(sampleMessage()).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toBe('DingTalk errcode 310000: invalid timestamp');
  });

  it('unknown access token → 300001, permanent', async () => {
    const url = receiver.urls.dingtalk.replace('tok-123', 'tok-999');
    const error = await channel({ url }).send(sampleMessage()).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toBe('DingTalk errcode 300001: token is not exist');
    expect((error as DeliveryError).retryable).toBe(false);
  });

  it('rate limit (130101) and HTTP 500 are retryable failures', async () => {
    receiver.failNext('dingtalk', 1, 'vendor');
    const limited = await channel().send(sampleMessage()).catch((e: unknown) => e);
    expect((limited as DeliveryError).message).toMatch(/^DingTalk errcode 130101: send too fast/);
    expect((limited as DeliveryError).retryable).toBe(true);
    receiver.failNext('dingtalk', 1, 'http500');
    const http = await channel().send(sampleMessage()).catch((e: unknown) => e);
    expect((http as DeliveryError).message).toBe(`127.0.0.1:${receiver.port} answered HTTP 500: {"error":"injected failure"}`);
    expect((http as DeliveryError).retryable).toBe(true);
  });
});
