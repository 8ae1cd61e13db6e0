/** Refusals logged at most once per window per client, each line carrying how many were refused since the last. */
import type { Logger } from '../../common/logger.js';

export function createRefusalLog(logger: Logger, now: () => number = Date.now, windowMs = 60_000) {
  const perClient = new Map<string, { loggedAt: number; unlogged: number }>();
  /** `kind` separates kinds of refusal (login, publish, size) so each is logged for the client. */
  return (kind: string, clientId: string, obj: object, msg: string): void => {
    const clientKey = `${kind}\u0000${clientId}`;
    const t = now();
    const entry = perClient.get(clientKey);
    if (entry && t - entry.loggedAt < windowMs) {
      entry.unlogged++;
      return;
    }
    const refused = (entry?.unlogged ?? 0) + 1;
    perClient.set(clientKey, { loggedAt: t, unlogged: 0 });
    if (perClient.size > 10_000) perClient.delete(perClient.keys().next().value as string);
    logger.warn({ ...obj, client_id: clientId, refused }, msg);
  };
}
