/**
 * Who may log in to the embedded broker, as one pure policy built from `mqtt.agents`, `mqtt.enrolment_secret`
 * and `mqtt.revoked`. With logins configured (either of the first two), the username is the agent id, anonymous
 * clients are refused, the MQTT client id must belong to the login (the id itself or `id:suffix`, so no login can
 * take over another agent's session), and revoked ids are refused whichever way they log in. An explicit
 * `mqtt.agents` entry wins over the derived enrolment password.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { enrolmentPassword } from '../enrolment.js';

export interface LoginConfig {
  agents: ReadonlyArray<{ id: string; password: string }>;
  enrolment_secret?: string | undefined;
  revoked: readonly string[];
}

/** CONNACK return codes of MQTT 3.1.1. */
export const CONNACK = { identifierRejected: 2, badCredentials: 4, notAuthorized: 5 } as const;

export type LoginVerdict =
  | { ok: true; agentId: string | null }
  | { ok: false; returnCode: (typeof CONNACK)[keyof typeof CONNACK]; reason: 'anonymous' | 'unknown user' | 'wrong password' | 'revoked' | 'client id not owned' };

export interface LoginPolicy {
  /** False = anonymous embedded broker (no agents, no enrolment secret): anyone may publish under the root. */
  readonly authenticated: boolean;
  check(clientId: string, username: string | undefined, password: Buffer | undefined): LoginVerdict;
  isRevoked(agentId: string): boolean;
}

/** Constant-time comparison of fixed-length digests (lengths never leak through the comparison). */
function samePassword(given: Buffer | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A client id belongs to agent `id` when it is the id itself or the id followed by `:` and a suffix. */
export function clientIdBelongsTo(clientId: string, agentId: string): boolean {
  return clientId === agentId || clientId.startsWith(`${agentId}:`);
}

export function createLoginPolicy(config: LoginConfig): LoginPolicy {
  const explicit = new Map(config.agents.map((a) => [a.id, a.password]));
  const secret = config.enrolment_secret;
  const revoked = new Set(config.revoked);
  const authenticated = explicit.size > 0 || secret !== undefined;
  return {
    authenticated,
    isRevoked: (agentId) => revoked.has(agentId),
    check(clientId, username, password) {
      if (username !== undefined && revoked.has(username)) return { ok: false, returnCode: CONNACK.notAuthorized, reason: 'revoked' };
      if (!authenticated) {
        // Anonymous broker: still refuse a revoked id's client id, whatever the username says.
        const owner = [...revoked].find((id) => clientIdBelongsTo(clientId, id));
        return owner ? { ok: false, returnCode: CONNACK.notAuthorized, reason: 'revoked' } : { ok: true, agentId: null };
      }
      if (username === undefined) return { ok: false, returnCode: CONNACK.badCredentials, reason: 'anonymous' };
      const expected = explicit.get(username) ?? (secret !== undefined ? enrolmentPassword(secret, username) : undefined);
      if (expected === undefined) return { ok: false, returnCode: CONNACK.badCredentials, reason: 'unknown user' };
      if (!samePassword(password, expected)) return { ok: false, returnCode: CONNACK.badCredentials, reason: 'wrong password' };
      if (!clientIdBelongsTo(clientId, username)) return { ok: false, returnCode: CONNACK.identifierRejected, reason: 'client id not owned' };
      return { ok: true, agentId: username };
    },
  };
}
