/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that captures messages, with just enough MIME parsing to assert on
 * subject (RFC 2047 words decoded), recipients, text/HTML bodies and attachments. STARTTLS is offered with
 * smtp-server's built-in self-signed certificate; optional AUTH PLAIN/LOGIN; `failNext(n)` answers 451 to DATA.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface MimePart {
  headers: Map<string, string>;
  contentType: string;
  params: Record<string, string>;
  body: Buffer;
  parts: MimePart[];
}

export interface CapturedMail {
  envelope: { from: string; to: string[] };
  user: string | undefined;
  secured: boolean;
  raw: string;
  headers: Map<string, string>;
  subject: string;
  text: string | undefined;
  html: string | undefined;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

export interface SmtpTestServer {
  port: number;
  messages: CapturedMail[];
  failNext(times: number): void;
  close(): Promise<void>;
}

/** Decodes `=?UTF-8?B?…?=` / `=?UTF-8?Q?…?=` words; adjacent words are joined before decoding (split characters). */
export function decodeEncodedWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  let out = '';
  let last = 0;
  let pending: Buffer[] = [];
  const flush = () => {
    if (pending.length) out += Buffer.concat(pending).toString('utf8');
    pending = [];
  };
  for (const m of joined.matchAll(word)) {
    if (m.index > last) {
      flush();
      out += joined.slice(last, m.index);
    }
    const [, , enc, text = ''] = m;
    if (enc?.toUpperCase() === 'B') pending.push(Buffer.from(text, 'base64'));
    else pending.push(decodeQuotedPrintable(text.replace(/_/g, ' ')));
    last = m.index + m[0].length;
  }
  flush();
  return out + joined.slice(last);
}

export function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const body = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(body.slice(i + 1, i + 3))) {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function parseHeaderBlock(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function parseParams(value: string): { main: string; params: Record<string, string> } {
  const [main = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    params[piece.slice(0, eq).trim().toLowerCase()] = decodeEncodedWords(piece.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return { main: main.trim().toLowerCase(), params };
}

export function parseMime(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const headerBlock = split < 0 ? raw : raw.slice(0, split);
  const bodyText = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = parseHeaderBlock(headerBlock);
  const { main: contentType, params } = parseParams(headers.get('content-type') ?? 'text/plain');
  const disposition = parseParams(headers.get('content-disposition') ?? '');
  Object.assign(params, disposition.params);
  const parts: MimePart[] = [];
  if (contentType.startsWith('multipart/') && params.boundary) {
    const sections = bodyText.split(`--${params.boundary}`);
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      parts.push(parseMime(section.replace(/^\r?\n/, '')));
    }
    return { headers, contentType, params, body: Buffer.alloc(0), parts };
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const body =
    encoding === 'base64'
      ? Buffer.from(bodyText.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(bodyText)
        : Buffer.from(bodyText, 'utf8');
  return { headers, contentType, params, body, parts };
}

function leaves(part: MimePart): MimePart[] {
  return part.parts.length ? part.parts.flatMap(leaves) : [part];
}

function toCaptured(raw: string, envelope: CapturedMail['envelope'], user: string | undefined, secured: boolean): CapturedMail {
  const root = parseMime(raw);
  const all = leaves(root);
  const isAttachment = (p: MimePart) => /attachment/i.test(p.headers.get('content-disposition') ?? '') || Boolean(p.params.filename);
  const text = all.find((p) => p.contentType === 'text/plain' && !isAttachment(p));
  const html = all.find((p) => p.contentType === 'text/html' && !isAttachment(p));
  return {
    envelope,
    user,
    secured,
    raw,
    headers: root.headers,
    subject: decodeEncodedWords(root.headers.get('subject') ?? ''),
    text: text?.body.toString('utf8'),
    html: html?.body.toString('utf8'),
    attachments: all.filter(isAttachment).map((p) => ({
      filename: p.params.filename ?? p.params.name ?? '',
      contentType: p.contentType,
      content: p.body,
    })),
  };
}

export async function startSmtpServer(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpTestServer> {
  const messages: CapturedMail[] = [];
  let failuresLeft = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    disabledCommands: opts.auth ? [] : ['AUTH'],
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
        callback(null, { user: auth.username });
        return;
      }
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft--;
          const error = new Error('Requested action aborted: try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        messages.push(toCaptured(Buffer.concat(chunks).toString('utf8'), envelope, session.user as string | undefined, session.secure));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    failNext(times) {
      failuresLeft = times;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
