/**
 * The agent's SNMP trap/inform receiver (net-snmp): accepts the configured communities and v3 users, turns
 * each notification into an `snmp_trap` event (see decode.ts) and hands it to `onEvent`. Unauthorised or
 * undecodable packets are logged and dropped; the receiver keeps running. A storm beyond max_per_second is
 * counted and dropped.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { InterfaceDirectory } from './interfaces.js';
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { Logger } from '../../common/logger.js';
import type { TrapsConfig } from './config.js';
import { decodeTrap } from './decode.js';
import type { AgentEvent } from './events.js';

export interface TrapReceiverDeps {
  config: TrapsConfig;
  /** Device address → device name (the targets of the agent's snmp checks). */
  devices: ReadonlyMap<string, string>;
  /** Interface names from the snmp checks' last polls, for link traps that carry only ifIndex. */
  interfaces?: InterfaceDirectory;
  logger: Logger;
  now: () => number;
  onEvent: (event: AgentEvent) => void;
}

export interface TrapReceiver {
  /** Resolves once the UDP socket is bound; rejects with the bind error (e.g. EACCES on port 162). */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): { received: number; dropped: number; rejected: number };
}

export function createTrapReceiver(deps: TrapReceiverDeps): TrapReceiver {
  const log = deps.logger.child({ component: 'traps' });
  const { config } = deps;
  let socket: Socket | null = null;
  let received = 0;
  let dropped = 0;
  let rejected = 0;
  let windowStart = 0;
  let inWindow = 0;

  function admit(nowMs: number): boolean {
    if (nowMs - windowStart >= 1000) {
      if (inWindow > config.max_per_second) log.warn({ dropped: inWindow - config.max_per_second }, 'trap storm: traps beyond max_per_second dropped');
      windowStart = nowMs;
      inWindow = 0;
    }
    inWindow++;
    return inWindow <= config.max_per_second;
  }

  function onNotification(error: Error | null, notification: unknown): void {
    if (error) {
      rejected++;
      const from = (error as Error & { rinfo?: { address?: string } }).rinfo?.address;
      log.warn({ err: error.message, from }, 'snmp notification rejected');
      return;
    }
    const nowMs = deps.now();
    const decoded = decodeTrap(notification, deps.devices, nowMs, deps.interfaces);
    if (!decoded.ok) {
      rejected++;
      log.warn({ problem: decoded.problem }, 'snmp notification ignored');
      return;
    }
    received++;
    if (!admit(nowMs)) {
      dropped++;
      return;
    }
    log.debug({ target: decoded.event.target, trap: decoded.event.data?.trap_oid }, 'snmp trap');
    deps.onEvent(decoded.event);
  }

  return {
    start() {
      return new Promise<void>((resolve, reject) => {
        const transport = isIP(config.listen) === 6 ? 'udp6' : 'udp4';
        let bound = false;
        const r = snmp.createReceiver(
          {
            port: config.port,
            address: config.listen,
            transport,
            includeAuthentication: true,
            // we capture the socket to learn when the bind succeeded or failed
            dgramModule: {
              createSocket: (type) => {
                const s = createSocket(type);
                socket = s;
                s.once('listening', () => {
                  bound = true;
                  resolve();
                });
                return s;
              },
            },
          },
          (error, notification) => {
            if (!bound && error) {
              reject(error);
              return;
            }
            onNotification(error, notification);
          },
        );
        const auth = r.getAuthorizer();
        for (const community of config.communities) auth.addCommunity(community);
        for (const u of config.users) {
          auth.addUser({
            name: u.username,
            level: snmp.SecurityLevel[u.level],
            ...(u.level !== 'noAuthNoPriv' ? { authProtocol: snmp.AuthProtocols[u.auth_protocol], authKey: u.auth_password } : {}),
            ...(u.level === 'authPriv' ? { privProtocol: snmp.PrivProtocols[u.priv_protocol], privKey: u.priv_password } : {}),
          });
        }
      }).then(() => log.info({ listen: config.listen, port: config.port, communities: config.communities.length, users: config.users.length }, 'snmp trap receiver listening'));
    },

    async stop() {
      const s = socket;
      socket = null;
      if (!s) return;
      await new Promise<void>((resolve) => {
        try {
          s.close(() => resolve());
        } catch {
          resolve(); // never bound or already closed
        }
      });
    },

    stats: () => ({ received, dropped, rejected }),
  };
}
