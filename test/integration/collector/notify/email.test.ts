import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailChannelSchema } from '../../../../collector/notify/config.js';
import { createEmailChannel } from '../../../../collector/notify/email.js';
import { DeliveryError, type Channel } from '../../../../collector/notify/types.js';
import { freePort } from '../../../helpers/ports.js';
import { startSmtpServer, type SmtpTestServer } from '../../../helpers/smtp.js';
import { channelDeps, sampleMessage } from './fixtures.js';

let smtp: SmtpTestServer;
let authSmtp: SmtpTestServer;
const opened: Channel[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  authSmtp = await startSmtpServer({ auth: { user: 'outpost', pass: 's3cret' } });
});
afterAll(async () => {
  for (const c of opened) c.close?.();
  await smtp.close();
  await authSmtp.close();
});

function channel(over: Record<string, unknown> = {}): Channel {
  const cfg = emailChannelSchema.parse({
    type: 'email',
    host: '127.0.0.1',
    port: smtp.port,
    security: 'none',
    from: 'Outpost 监控 <outpost@example.com>',
    to: ['ops@example.com', 'oncall@example.com'],
    ...over,
  });
  const c = createEmailChannel('email-ops', cfg, channelDeps());
  opened.push(c);
  return c;
}

// A small but real PDF header + body: the content must arrive byte for byte.
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x00, 0xff]), Buffer.from('\n%%EOF\n')]);

describe('email channel against a local SMTP server', () => {
  it('delivers a Chinese subject, text + HTML bodies and a PDF attachment', async () => {
    await channel({ cc: ['lead@example.com'] }).send({
      ...sampleMessage(),
      attachments: [{ filename: 'fault-report-INC-20261121-0007.pdf', content: PDF, contentType: 'application/pdf' }],
    });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.subject).toBe('【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss');
    expect(mail.envelope.to).toEqual(['ops@example.com', 'oncall@example.com', 'lead@example.com']);
    expect(mail.envelope.from).toBe('outpost@example.com');
    expect(mail.headers.get('to')).toBe('ops@example.com, oncall@example.com');
    expect(mail.text).toContain('发生时间：2026-11-21 10:07:00 (UTC+8)');
    expect(mail.html).toContain('<a href="https://outpost.example.com/incidents/7">查看工单</a>');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe('fault-report-INC-20261121-0007.pdf');
    expect(mail.attachments[0]!.contentType).toBe('application/pdf');
    expect(mail.attachments[0]!.content.equals(PDF)).toBe(true);
  });

  it('authenticates, and upgrades with STARTTLS when security is starttls', async () => {
    await channel({ port: authSmtp.port, security: 'starttls', tls_reject_unauthorized: false, auth: { user: 'outpost', pass: 's3cret' } }).send(sampleMessage());
    expect(authSmtp.messages).toHaveLength(1);
    expect(authSmtp.messages[0]!.user).toBe('outpost');
    expect(authSmtp.messages[0]!.secured).toBe(true);
  });

  it('STARTTLS with certificate verification on rejects the self-signed test certificate', async () => {
    const error = await channel({ port: authSmtp.port, security: 'starttls', auth: { user: 'outpost', pass: 's3cret' } }).send(sampleMessage()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).message).toMatch(/^SMTP (ETLS|ESOCKET|ECONNECTION)/);
  });

  it('wrong password → SMTP 535, permanent', async () => {
    const error = await channel({ port: authSmtp.port, security: 'starttls', tls_reject_unauthorized: false, auth: { user: 'outpost', pass: 'bad' } })
      .send(sampleMessage())
      .catch((e: unknown) => e);
    expect((error as DeliveryError).message).toMatch(/^SMTP 535: .*Invalid username or password/);
    expect((error as DeliveryError).retryable).toBe(false);
  });

  it('451 to DATA is temporary (retryable); a closed port is retryable', async () => {
    smtp.failNext(1);
    const temporary = await channel().send(sampleMessage()).catch((e: unknown) => e);
    expect((temporary as DeliveryError).message).toMatch(/^SMTP 451: /);
    expect((temporary as DeliveryError).retryable).toBe(true);
    const port = await freePort();
    const refused = await channel({ port }).send(sampleMessage()).catch((e: unknown) => e);
    expect((refused as DeliveryError).message).toMatch(/^SMTP ESOCKET: .*ECONNREFUSED/);
    expect((refused as DeliveryError).retryable).toBe(true);
  });

  it('an abort signal (dispatcher shutdown) ends a send stuck on a server that never greets', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const controller = new AbortController();
      const sending = channel({ port, timeout: '1m' }).send(sampleMessage(), { signal: controller.signal }).catch((e: unknown) => e);
      await new Promise<void>((resolve) => silent.once('connection', () => resolve()));
      controller.abort();
      const error = await sending;
      expect((error as DeliveryError).message).toBe('email send aborted (shutdown)');
      expect((error as DeliveryError).retryable).toBe(false);
    } finally {
      opened.pop()?.close?.();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
