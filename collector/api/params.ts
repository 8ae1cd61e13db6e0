/** Query parameter schemas shared by the routes. */
import { z } from 'zod';
import { AGENT_ID_PATTERN } from '../../common/protocol.js';

/** A point in time as epoch milliseconds or an ISO 8601 string; yields epoch ms. */
export const timeParam = z.string().transform((text, ctx) => {
  const ms = /^\d{1,16}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 time' });
    return z.NEVER;
  }
  return ms;
});

export const agentIdParam = z.string().regex(AGENT_ID_PATTERN, 'not a valid agent id');

/** `from`/`to` window; `to` defaults to now, `from` to `defaultSpanMs` before it. */
export function windowQuery(now: () => number, defaultSpanMs = 86_400_000) {
  return z
    .strictObject({ from: timeParam.optional(), to: timeParam.optional() })
    .transform((q) => {
      const to = q.to ?? now();
      return { from: q.from ?? to - defaultSpanMs, to };
    })
    .refine((w) => w.from < w.to, { message: 'from must be before to', path: ['from'] });
}
