import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feishuChannelSchema } from '../../../../collector/notify/config.js';
import { createFeishuChannel } from '../../../../collector/notify/feishu.js';
import { DeliveryError } from '../../../../collector/notify/types.js';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { channelDeps, sampleMessage } from './fixtures.js';

const SECRET = 'qOWYmsWqRX9r6Wsc3dxnqb';
let receiver: ImReceiver;

beforeAll(async () => {
  receiver = await startImReceiver({ feishu: { token: 'hook-abc', secret: SECRET } });
});
afterAll(async () => {
  await receiver.close();
});

function channel(over: Record<string, unknown> = {}, now?: () => number) {
  const cfg = feishuChannelSchema.parse({ type: 'feishu', url: receiver.urls.feishu, secret: SECRET, ...over });
  return createFeishuChannel('ops-feishu', cfg, channelDeps(now));
}

describe('Feishu channel against a local custom-bot endpoint that verifies signatures', () => {
  it('delivers a signed interactive card with a red header for P1 and a link button', async () => {
    await channel().send(sampleMessage());
    const got = receiver.accepted('feishu');
    expect(got).toHaveLength(1);
    const body = got[0]!.body as Record<string, any>;
    expect(body.msg_type).toBe('interactive');
    expect(body.timestamp).toMatch(/^\d{10}$/); // seconds, as a string
    expect(body.card.header).toEqual({
      title: { tag: 'plain_text', content: '【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss' },
      template: 'red',
    });
    expect(body.card.elements[0].text.content).toContain('- **对象**: web-01');
    expect(body.card.elements[1].actions[0].url).toBe('https://outpost.example.com/incidents/7');
  });

  it('delivers a rich-text post when format is post', async () => {
    await channel({ format: 'post' }).send(sampleMessage({ kind: 'resolved' }, { status: 'resolved' }));
    const body = receiver.accepted('feishu').at(-1)!.body as Record<string, any>;
    expect(body.msg_type).toBe('post');
    expect(body.content.post.zh_cn.title).toBe('【P1 紧急】INC-20261121-0007 已解决 — web-01 ping: 100% packet loss');
    expect(body.content.post.zh_cn.content).toContainEqual([{ tag: 'text', text: '状态：已解决' }]);
  });

  it('wrong secret → code 19021, permanent', async () => {
    const error = await channel({ secret: 'nope' }).send(sampleMessage()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).message).toBe(
      'Feishu code 19021: sign match fail or timestamp is not within one hour from current time',
    );
    expect((error as DeliveryError).retryable).toBe(false);
  });

  it('a timestamp in milliseconds instead of seconds would be stale: a clock 2 h ahead is rejected', async () => {
    const error = await channel({}, () => Date.now() + 2 * 3_600_000).send(sampleMessage()).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toMatch(/^Feishu code 19021/);
  });

  it('bad hook token → 19001, permanent; rate limit 9499 → retryable', async () => {
    const bad = await channel({ url: receiver.urls.feishu.replace('hook-abc', 'hook-zzz') }).send(sampleMessage()).catch((e: unknown) => e);
    expect((bad as DeliveryError).message).toMatch(/^Feishu code 19001/);
    expect((bad as DeliveryError).retryable).toBe(false);
    receiver.failNext('feishu', 1, 'vendor');
    const limited = await channel().send(sampleMessage()).catch((e: unknown) => e);
    expect((limited as DeliveryError).message).toBe('Feishu code 9499: too many request');
    expect((limited as DeliveryError).retryable).toBe(true);
  });
});
