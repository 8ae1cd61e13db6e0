/** `api.users` and `api.status_pages` in collector.yaml: every problem named with its path. */
import { describe, expect, it } from 'vitest';
import { formatProblems } from '../../../../common/config.js';
import { collectorConfigSchema } from '../../../../collector/config.js';

const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

function problems(input: unknown): string[] {
  const parsed = collectorConfigSchema.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('console config', () => {
  it('accepts users with scrypt lines and status pages of known contracts', () => {
    const cfg = collectorConfigSchema.parse({
      api: { users: [{ name: 'alice', password_hash: HASH, role: 'operator', lang: 'en' }], status_pages: [{ contract: 'acme', secret: 'acme-status-0123456789' }] },
      sla: { contracts: [{ name: 'acme', members: { targets: ['web-1'] } }] },
    });
    expect(cfg.api.users[0]).toMatchObject({ name: 'alice', role: 'operator', lang: 'en' });
    expect(collectorConfigSchema.parse({}).api.users).toEqual([]);
  });

  it('names each problem: a plain password, a duplicate user, a bad role, a short secret, an unknown contract, an unknown key', () => {
    expect(
      problems({
        api: {
          users: [
            { name: 'alice', password_hash: 'hunter2', role: 'operator' },
            { name: 'alice', password_hash: HASH, role: 'root' },
            { name: 'bob', password_hash: HASH, role: 'viewer', password: 'x' },
          ],
          status_pages: [{ contract: 'nobody', secret: 'short' }],
        },
      }),
    ).toEqual([
      'api.users.0.password_hash: expected scrypt$N$r$p$salt$hash (made by `outpost user hash`)',
      'api.users.1.role: Invalid option: expected one of "viewer"|"operator"|"admin"',
      'api.users.2: Unrecognized key: "password"',
      'api.status_pages.0.secret: secret must be 16-128 characters of A-Z a-z 0-9 _ -',
    ]);
    expect(problems({ api: { users: [{ name: 'alice', password_hash: HASH, role: 'viewer' }, { name: 'alice', password_hash: HASH, role: 'admin' }] } })).toEqual(['api.users.1.name: duplicate user alice']);
    expect(problems({ api: { status_pages: [{ contract: 'nobody', secret: 'a-long-enough-secret-1' }] } })).toEqual(['api.status_pages.0.contract: unknown contract nobody (see sla.contracts)']);
    void formatProblems;
  });
});
