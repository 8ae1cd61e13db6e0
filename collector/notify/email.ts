/**
 * Email over SMTP with nodemailer: HTML + plain-text alternative, UTF-8 subject (Chinese is fine: nodemailer
 * encodes it as RFC 2047 words), attachments (reports attach PDFs). `security`: `tls` = implicit TLS (465),
 * `starttls` = upgrade required, `none` = plain (a local relay). One transport per channel; connections are
 * not pooled because notices are rare.
 */
import nodemailer from 'nodemailer';
import type { EmailChannelConfig } from './config.js';
import { DeliveryError, type Channel, type ChannelDeps, type RenderedNotice } from './types.js';

/** SMTP reply codes 4xx and socket-level errors are temporary; 5xx (bad recipient, auth failed) are not. */
function classify(error: unknown): DeliveryError {
  const e = error as { responseCode?: number; code?: string; message?: string; response?: string };
  const detail = e.response ?? e.message ?? String(error);
  if (typeof e.responseCode === 'number') {
    return new DeliveryError(`SMTP ${e.responseCode}: ${detail}`, e.responseCode < 500);
  }
  const permanent = e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  return new DeliveryError(`SMTP ${e.code ?? 'error'}: ${detail}`, !permanent);
}

export function emailMessage(message: RenderedNotice, cfg: Pick<EmailChannelConfig, 'from' | 'to' | 'cc'>): nodemailer.SendMailOptions {
  return {
    from: cfg.from,
    to: cfg.to,
    cc: cfg.cc.length > 0 ? cfg.cc : undefined,
    subject: message.title,
    text: message.text,
    html: message.html,
    attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  };
}

export function createEmailChannel(name: string, cfg: EmailChannelConfig, deps: ChannelDeps): Channel {
  const transport = nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.security === 'tls',
    requireTLS: cfg.security === 'starttls',
    ignoreTLS: cfg.security === 'none',
    auth: cfg.auth ? { user: cfg.auth.user, pass: cfg.auth.pass } : undefined,
    connectionTimeout: cfg.timeout,
    greetingTimeout: cfg.timeout,
    socketTimeout: cfg.timeout,
    tls: { rejectUnauthorized: cfg.tls_reject_unauthorized },
  });
  const logger = deps.logger.child({ channel: name });
  return {
    name,
    type: 'email',
    async send(message, opts = {}) {
      const signal = opts.signal;
      if (signal?.aborted) throw new DeliveryError('email not sent: aborted (shutdown)', false);
      // nodemailer cannot cancel a send: on abort we stop waiting and let the socket time out on its own.
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new DeliveryError('email send aborted (shutdown)', false));
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      const sending = transport.sendMail(emailMessage(message, cfg)).catch((error: unknown) => {
        throw classify(error);
      });
      sending.catch(() => undefined); // when aborted, a later failure has no one waiting for it
      try {
        const info = await Promise.race([sending, aborted]);
        logger.debug({ messageId: info.messageId }, 'email accepted');
      } finally {
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
    close() {
      transport.close();
    },
  };
}
