import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wecomChannelSchema } from '../../../../collector/notify/config.js';
import { DeliveryError } from '../../../../collector/notify/types.js';
import { createWecomChannel } from '../../../../collector/notify/wecom.js';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { channelDeps, sampleMessage } from './fixtures.js';

let receiver: ImReceiver;

beforeAll(async () => {
  receiver = await startImReceiver({ wecom: { key: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' } });
});
afterAll(async () => {
  await receiver.close();
});

function channel(over: Record<string, unknown> = {}) {
  const cfg = wecomChannelSchema.parse({ type: 'wecom', url: receiver.urls.wecom, ...over });
  return createWecomChannel('ops-wecom', cfg, channelDeps());
}

describe('WeCom channel against a local group-robot endpoint', () => {
  it('delivers a markdown message', async () => {
    await channel({ mention_users: ['zhangsan'] }).send(sampleMessage({}, { severity: 'P3' }));
    const got = receiver.accepted('wecom');
    expect(got).toHaveLength(1);
    expect(got[0]!.body).toMatchObject({ msgtype: 'markdown' });
    const content = (got[0]!.body as { markdown: { content: string } }).markdown.content;
    expect(content.startsWith('### 【P3 中】INC-20261121-0007 已创建')).toBe(true);
    expect(content.endsWith('<@zhangsan>')).toBe(true);
  });

  it('an incident with a console link goes as a text_notice template card; the robot accepts it', async () => {
    const link = 'http://127.0.0.1:8080/#/incidents/INC-20261121-0007';
    const before = receiver.accepted('wecom').length;
    await channel().send(sampleMessage({}, { url: link }));
    const got = receiver.accepted('wecom');
    expect(got).toHaveLength(before + 1);
    expect(got.at(-1)!.body).toMatchObject({
      msgtype: 'template_card',
      template_card: {
        card_type: 'text_notice',
        card_action: { type: 1, url: link },
        jump_list: [
          { type: 1, title: '查看工单', url: link },
          { type: 1, title: '认领', url: `${link}?ack=1` },
        ],
      },
    });
  });

  it('a very long note is cut to the 4096-byte limit instead of being rejected', async () => {
    const before = receiver.accepted('wecom').length;
    await channel().send(sampleMessage({ note: '磁盘'.repeat(2000) }));
    expect(receiver.accepted('wecom')).toHaveLength(before + 1);
  });

  it('wrong key → errcode 93000, permanent', async () => {
    const url = receiver.urls.wecom.replace(/key=.*/, 'key=wrong');
    const error = await channel({ url }).send(sampleMessage()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).message).toMatch(/^WeCom errcode 93000: invalid webhook url/);
    expect((error as DeliveryError).retryable).toBe(false);
  });

  it('over the rate limit (45009) → retryable', async () => {
    receiver.failNext('wecom', 1, 'vendor');
    const error = await channel().send(sampleMessage()).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toBe('WeCom errcode 45009: api freq out of limit');
    expect((error as DeliveryError).retryable).toBe(true);
  });
});
