/**
 * Agent enrolment without a per-agent collector edit: an agent's MQTT password is derived from one collector
 * secret, base64url(HMAC-SHA256(secret, agent id)), so `outpost agent credentials ID` can print it for any new
 * server. The same derivation feeds a Mosquitto password file (`$7$`: PBKDF2-SHA512, as mosquitto_passwd writes).
 */
import { createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** The password that admits `agentId` under `mqtt.enrolment_secret`. */
export function enrolmentPassword(secret: string, agentId: string): string {
  return createHmac('sha256', secret).update(agentId).digest('base64url');
}

/** Mosquitto 2.x's defaults for `$7$` hashes (mosquitto_passwd: 101 iterations, 12-byte salt, SHA-512). */
const MOSQUITTO_ITERATIONS = 101;
const MOSQUITTO_SALT_BYTES = 12;

/** One line of a Mosquitto password file (`user:$7$iterations$salt$hash`, standard base64). */
export function mosquittoPasswdLine(username: string, password: string, salt: Buffer = randomBytes(MOSQUITTO_SALT_BYTES)): string {
  const hash = pbkdf2Sync(password, salt, MOSQUITTO_ITERATIONS, 64, 'sha512');
  return `${username}:$7$${MOSQUITTO_ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** A fresh enrolment secret (what `outpost up` stores in its data directory when none is configured). */
export function newEnrolmentSecret(): string {
  return randomBytes(32).toString('base64url');
}
