/**
 * Config of the web console under `api:` — `users` (people who log in with a name and password) and
 * `status_pages` (a per-contract secret link to a read-only status page). Part of collector/config.ts's schema.
 */
import { z } from 'zod';
import { PASSWORD_HASH_FORMAT, PASSWORD_HASH_PATTERN } from './passwords.js';

const ROLES = ['viewer', 'operator', 'admin'] as const;

export const usersSchema = z
  .array(
    z.strictObject({
      /** The login name; also the actor on incident timelines. */
      name: z.string().trim().min(1).max(100).regex(/^[^\s:]+$/, 'a name has no spaces or colons'),
      /** One line printed by `outpost user hash` (scrypt). Never the password itself. */
      password_hash: z.string().regex(PASSWORD_HASH_PATTERN, `expected ${PASSWORD_HASH_FORMAT}`),
      role: z.enum(ROLES),
      /** Console language of this person (default: the collector's top-level `lang`). */
      lang: z.enum(['zh-CN', 'en']).optional(),
    }),
  )
  .default([])
  .superRefine((users, ctx) => {
    const seen = new Set<string>();
    users.forEach((u, i) => {
      if (seen.has(u.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate user ${u.name}` });
      seen.add(u.name);
    });
  });
export type ConsoleUser = z.output<typeof usersSchema>[number];

export const statusPagesSchema = z
  .array(
    z.strictObject({
      /** A contract name from `sla.contracts`. */
      contract: z.string().min(1),
      /** The secret in the link `<public_url>/#/status/<secret>`; anyone holding it reads the page. */
      secret: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'secret must be 16-128 characters of A-Z a-z 0-9 _ -'),
    }),
  )
  .default([])
  .superRefine((pages, ctx) => {
    const seen = new Set<string>();
    pages.forEach((p, i) => {
      if (seen.has(p.secret)) ctx.addIssue({ code: 'custom', path: [i, 'secret'], message: 'duplicate secret' });
      seen.add(p.secret);
    });
  });
export type StatusPageConfig = z.output<typeof statusPagesSchema>[number];

/** Session lifetimes. */
export const SESSION_TTL_MS = 12 * 3_600_000;
export const REMEMBER_TTL_MS = 30 * 86_400_000;
