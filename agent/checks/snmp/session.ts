/**
 * Promise-based SNMP client over net-snmp for one device: `get` for scalars and `walk` for a column or
 * subtree (bounded, and stopping at the subtree — net-snmp's own walk() runs past it). Errors are classified
 * so the check can say *why* a device gave no answer (timeout vs. v3 authentication vs. other).
 */
import snmp, { type Session, type SessionOptions, type User, type Varbind } from 'net-snmp';
import type { SnmpConfig } from './config.js';

export type SnmpFailureKind = 'timeout' | 'auth' | 'aborted' | 'error';

/** A request that failed as a whole (the device did not answer, refused us, or we gave up). */
export class SnmpRequestError extends Error {
  constructor(
    readonly kind: SnmpFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SnmpRequestError';
  }
}

/** Maps net-snmp errors to a kind and a message naming the likely cause. */
export function classifySnmpError(error: unknown): SnmpRequestError {
  if (error instanceof SnmpRequestError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof snmp.RequestTimedOutError || /timed out/i.test(message)) return new SnmpRequestError('timeout', 'SNMP timeout');
  // net-snmp encrypts DES with OpenSSL, whose version 3 (Node 17+) only has it in the legacy provider
  if (/digital envelope routines::unsupported|ERR_OSSL_EVP_UNSUPPORTED/.test(message)) {
    return new SnmpRequestError('error', 'SNMPv3 DES privacy is not available in this Node.js (OpenSSL 3 moved DES to its legacy provider): use priv_protocol aes, or run the agent with NODE_OPTIONS=--openssl-legacy-provider');
  }
  // usmStats reports (wrong digest, unknown user, unsupported level) and local digest/decrypt failures
  if (error instanceof snmp.ResponseInvalidError && /digest|unknown user|security level|decrypt|authentication|engine id/i.test(message)) {
    return new SnmpRequestError('auth', `SNMPv3 authentication failed: ${message}`);
  }
  return new SnmpRequestError('error', message || 'SNMP request failed');
}

export interface SnmpClient {
  get(oids: string[], signal?: AbortSignal): Promise<Varbind[]>;
  /** Varbinds strictly under `oid`, at most `limit` of them (then it stops asking). */
  walk(oid: string, limit: number, signal?: AbortSignal): Promise<Varbind[]>;
  close(): void;
}

export type SessionFactory = (cfg: SnmpConfig) => Session;

/** The net-snmp session for a check's config: v1/v2c with a community, v3 with a USM user. */
export function openNetSnmpSession(cfg: SnmpConfig): Session {
  const options: SessionOptions = {
    port: cfg.port,
    retries: cfg.retries,
    timeout: cfg.request_timeout,
    transport: cfg.host.includes(':') ? 'udp6' : 'udp4',
    backwardsGetNexts: false,
  };
  if (cfg.version === '3' && cfg.v3) {
    const v3 = cfg.v3;
    const user: User = { name: v3.username, level: snmp.SecurityLevel[v3.level] };
    if (v3.level !== 'noAuthNoPriv') Object.assign(user, { authProtocol: snmp.AuthProtocols[v3.auth_protocol], authKey: v3.auth_password });
    if (v3.level === 'authPriv') Object.assign(user, { privProtocol: snmp.PrivProtocols[v3.priv_protocol], privKey: v3.priv_password });
    return snmp.createV3Session(cfg.host, user, { ...options, version: snmp.Version3, context: v3.context ?? '' });
  }
  return snmp.createSession(cfg.host, cfg.community, { ...options, version: cfg.version === '1' ? snmp.Version1 : snmp.Version2c });
}

function isUnder(oid: string, base: string): boolean {
  return oid.startsWith(`${base}.`);
}

/**
 * A client that opens its session lazily and reuses it across polls (v3 engine discovery happens once).
 * An abort closes the session — the only way to cancel net-snmp's outstanding requests — and the next
 * call opens a fresh one.
 */
export function createSnmpClient(cfg: SnmpConfig, open: SessionFactory = openNetSnmpSession): SnmpClient {
  let session: Session | null = null;

  function current(): Session {
    if (!session) {
      const s = open(cfg);
      s.on('error', () => {
        // socket-level error: drop the session; requests in flight fail through their callbacks
        if (session === s) session = null;
        s.close();
      });
      session = s;
    }
    return session;
  }

  function drop(s: Session): void {
    if (session === s) session = null;
    try {
      s.close();
    } catch {
      // already closed
    }
  }

  function request<T>(signal: AbortSignal | undefined, start: (s: Session, settle: (error: Error | null, value?: T) => void) => void): Promise<T> {
    if (signal?.aborted) return Promise.reject(new SnmpRequestError('aborted', 'aborted'));
    const s = current();
    const engineKnown = s.msgSecurityParameters !== undefined;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        drop(s);
        reject(new SnmpRequestError('aborted', 'aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        start(s, (error, value) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          if (error) reject(v3Failure(s, engineKnown, classifySnmpError(error)));
          else resolve(value as T);
        });
      } catch (error) {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(classifySnmpError(error));
      }
    });
  }

  /**
   * SNMPv3: a device that answered engine discovery during this request but never the encrypted request itself is
   * up; a wrong privacy password (or protocol) is what gets no answer then (net-snmp's snmpd drops what it cannot
   * decrypt). After any v3 timeout the session is dropped, so the next poll discovers again and can tell the two apart.
   */
  function v3Failure(s: Session, engineKnown: boolean, failure: SnmpRequestError): SnmpRequestError {
    if (cfg.version !== '3' || failure.kind !== 'timeout') return failure;
    drop(s);
    if (engineKnown || s.msgSecurityParameters === undefined) return failure;
    return new SnmpRequestError('auth', 'SNMPv3: the device answered engine discovery but not the encrypted request (a wrong privacy password or protocol gets no answer)');
  }

  return {
    get(oids, signal) {
      return request<Varbind[]>(signal, (s, settle) => s.get(oids, (error, varbinds) => settle(error, varbinds ?? [])));
    },

    walk(base, limit, signal) {
      const collected: Varbind[] = [];
      return request<Varbind[]>(signal, (s, settle) => {
        s.subtree(
          base,
          cfg.max_repetitions,
          (varbinds) => {
            for (const vb of varbinds) {
              if (typeof vb.oid !== 'string' || !isUnder(vb.oid, base)) return true;
              collected.push(vb);
              if (collected.length >= limit) return true;
            }
            return false;
          },
          (error) => settle(error, collected),
        );
      });
    },

    close() {
      if (session) drop(session);
    },
  };
}
