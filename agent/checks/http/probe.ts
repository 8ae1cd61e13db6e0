/**
 * One HTTP(S) probe: request, bounded redirects, body sample, timings and the peer certificate chain.
 * node:http/https directly (not fetch) because the TLS socket exposes getPeerCertificate().
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type * as Https from 'node:https';
import type { TLSSocket, PeerCertificate, DetailedPeerCertificate } from 'node:tls';

/** node:https pulls in tls + OpenSSL (~2.6 MiB of agent RSS): loaded by the first https probe, not at agent start. */
const https = (): typeof Https => process.getBuiltinModule('node:https') as typeof Https;

export interface ProbeOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  maxRedirects: number;
  /** PEM of extra trusted CAs; undefined uses Node's bundled roots. */
  ca?: string | undefined;
  insecureSkipVerify: boolean;
  /** At most this many body bytes are kept for keyword matching; the rest is counted and discarded. */
  maxBodyBytes: number;
}

export interface PeerCert {
  host: string;
  subject: string;
  issuer: string;
  validTo: Date;
}

export interface ProbeResponse {
  status: number;
  finalUrl: string;
  redirects: number;
  firstByteMs: number;
  totalMs: number;
  bodyBytes: number;
  /** First maxBodyBytes of the body, decoded as UTF-8. */
  bodySample: string;
  /** The certificate in every HTTPS hop's chain that expires first; null for plain HTTP. */
  earliestCert: PeerCert | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** Resolves with the final response; rejects with the transport error (code kept) or an AbortError. */
export async function probeHttp(opts: ProbeOptions, signal: AbortSignal): Promise<ProbeResponse> {
  const started = performance.now();
  let url = new URL(opts.url);
  let method = opts.method;
  let body = opts.body;
  let headers = { ...opts.headers };
  let earliestCert: PeerCert | null = null;
  for (let redirects = 0; ; redirects++) {
    const hop = await oneRequest(url, method, headers, body, opts, signal);
    if (hop.cert && (!earliestCert || hop.cert.validTo < earliestCert.validTo)) earliestCert = hop.cert;
    const location = hop.res.headers.location;
    if (REDIRECTS.has(hop.res.statusCode ?? 0) && location && redirects < opts.maxRedirects) {
      hop.res.resume();
      const next = new URL(location, url);
      if (next.origin !== url.origin) headers = withoutCredentials(headers);
      // 303 always, and 301/302 after POST by browser convention, turn into a GET without body.
      if (hop.res.statusCode === 303 || (method === 'POST' && hop.res.statusCode !== 307 && hop.res.statusCode !== 308)) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
      url = next;
      continue;
    }
    const firstByteMs = performance.now() - started;
    const { bytes, sample } = await readBody(hop.res, opts.maxBodyBytes);
    return {
      status: hop.res.statusCode ?? 0,
      finalUrl: url.toString(),
      redirects,
      firstByteMs,
      totalMs: performance.now() - started,
      bodyBytes: bytes,
      bodySample: sample,
      earliestCert,
    };
  }
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k.toLowerCase())));
}

function oneRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  opts: ProbeOptions,
  signal: AbortSignal,
): Promise<{ res: IncomingMessage; cert: PeerCert | null }> {
  return new Promise((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const common = { method, headers, signal, agent: false as const };
    const req = isHttps
      ? https().request(url, { ...common, ca: opts.ca, rejectUnauthorized: !opts.insecureSkipVerify, servername: sniName(url) })
      : httpRequest(url, common);
    let cert: PeerCert | null = null;
    if (isHttps) {
      req.once('socket', (socket) => {
        socket.once('secureConnect', () => {
          cert = earliestInChain(url.hostname, (socket as TLSSocket).getPeerCertificate(true));
        });
      });
    }
    req.once('response', (res) => resolve({ res, cert }));
    req.once('error', reject);
    req.end(body);
  });
}

/** SNI must be a host name, never an IP literal. */
function sniName(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return /^[\d.]+$/.test(host) || host.includes(':') ? undefined : host;
}

function earliestInChain(host: string, leaf: DetailedPeerCertificate): PeerCert | null {
  let earliest: PeerCert | null = null;
  const seen = new Set<PeerCertificate>();
  for (let cert: DetailedPeerCertificate | undefined = leaf; cert && cert.valid_to && !seen.has(cert); cert = cert.issuerCertificate) {
    seen.add(cert);
    const validTo = new Date(cert.valid_to);
    if (!earliest || validTo < earliest.validTo) {
      earliest = { host, subject: commonName(cert.subject?.CN), issuer: commonName(cert.issuer?.CN), validTo };
    }
  }
  return earliest;
}

function commonName(cn: string | string[] | undefined): string {
  return Array.isArray(cn) ? cn.join(', ') : (cn ?? '');
}

function readBody(res: IncomingMessage, maxBytes: number): Promise<{ bytes: number; sample: string }> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (keptBytes < maxBytes) {
        const part = chunk.subarray(0, maxBytes - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
    });
    res.once('end', () => resolve({ bytes, sample: Buffer.concat(kept).toString('utf8') }));
    res.once('error', reject);
    res.once('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
  });
}
