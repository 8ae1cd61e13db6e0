import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookChannelSchema } from '../../../../collector/notify/config.js';
import { DeliveryError } from '../../../../collector/notify/types.js';
import { createWebhookChannel } from '../../../../collector/notify/webhook.js';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { freePort } from '../../../helpers/ports.js';
import { channelDeps, sampleMessage } from './fixtures.js';

let receiver: ImReceiver;

beforeAll(async () => {
  receiver = await startImReceiver({ webhook: { secret: 'hook-secret' } });
});
afterAll(async () => {
  await receiver.close();
});

function channel(over: Record<string, unknown> = {}, now?: () => number) {
  const cfg = webhookChannelSchema.parse({ type: 'webhook', url: receiver.urls.webhook, secret: 'hook-secret', ...over });
  return createWebhookChannel('audit', cfg, channelDeps(now));
}

describe('webhook channel against a local receiver that verifies the HMAC', () => {
  it('posts the documented JSON body with a valid signature and custom headers', async () => {
    await channel({ headers: { Authorization: 'Bearer abc' } }).send(sampleMessage({ actor: 'ops-bot' }));
    const got = receiver.accepted('webhook');
    expect(got).toHaveLength(1);
    expect(got[0]!.headers.authorization).toBe('Bearer abc');
    expect(got[0]!.headers['user-agent']).toMatch(/^outpost\//);
    expect(got[0]!.body).toEqual({
      version: 1,
      kind: 'opened',
      at: '2026-11-21T02:07:00.000Z',
      title: '【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss',
      text: expect.stringContaining('级别：P1 紧急'),
      markdown: expect.stringContaining('### '),
      incident: {
        id: 7,
        number: 'INC-20261121-0007',
        title: 'web-01 ping: 100% packet loss',
        title_code: null,
        title_params: null,
        severity: 'P1',
        status: 'open',
        target: 'web-01',
        check_id: 'ping',
        opened_at: '2026-11-21T02:07:00.000Z',
        url: 'https://outpost.example.com/incidents/7',
        api_url: null,
      },
      actor: 'ops-bot',
      note: null,
      note_code: null,
      note_params: null,
      detail: null,
    });
  });

  it('wrong secret → HTTP 401, permanent', async () => {
    const error = await channel({ secret: 'other' }).send(sampleMessage()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).message).toBe(`127.0.0.1:${receiver.port} answered HTTP 401: {"error":"bad signature"}`);
    expect((error as DeliveryError).retryable).toBe(false);
  });

  it('a stale timestamp (replay) is rejected', async () => {
    const error = await channel({}, () => Date.now() - 3_600_000).send(sampleMessage()).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toContain('stale or missing timestamp');
  });

  it('connection refused on a closed port → retryable failure naming ECONNREFUSED', async () => {
    const port = await freePort();
    const error = await channel({ url: `http://127.0.0.1:${port}/hook` }).send(sampleMessage()).catch((e: unknown) => e);
    expect((error as DeliveryError).message).toBe(`request to 127.0.0.1:${port} failed: ECONNREFUSED`);
    expect((error as DeliveryError).retryable).toBe(true);
  });

  it('a receiver that never answers → timeout, retryable', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as AddressInfo).port;
    try {
      const error = await channel({ url: `http://127.0.0.1:${port}/hook`, timeout: '200ms' }).send(sampleMessage()).catch((e: unknown) => e);
      expect((error as DeliveryError).message).toBe(`request to 127.0.0.1:${port} timed out after 200 ms`);
      expect((error as DeliveryError).retryable).toBe(true);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
