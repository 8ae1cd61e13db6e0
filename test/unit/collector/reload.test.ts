/** Which keys a reload applies in place and which need a restart. */
import { describe, expect, it } from 'vitest';
import { collectorConfigSchema } from '../../../collector/config.js';
import { planReload, RELOADABLE } from '../../../collector/reload.js';

const parse = (raw: unknown) => collectorConfigSchema.parse(raw);
const token = (name: string) => ({ name, token: `${name}-token-0123456789abcdef`, role: 'viewer' as const });

describe('planReload', () => {
  it('applies logins and notifications, reports the rest as needing a restart and keeps their running values', () => {
    const running = parse({ data_dir: '/a', api: { tokens: [token('a')] }, mqtt: { enrolment_secret: 'secret-0123456789abcdef' } });
    const loaded = parse({
      data_dir: '/b',
      timezone: 'UTC',
      api: { listen: { port: 9090 }, tokens: [token('a'), token('b')] },
      mqtt: { enrolment_secret: 'secret-0123456789abcdef', revoked: ['web-1'], agents: [{ id: 'db-1', password: 'db-1-password' }] },
      notifications: { channels: { hook: { type: 'webhook', url: 'http://127.0.0.1:1/x' } } },
    });
    const plan = planReload(running, loaded);
    expect(plan.changed).toEqual(['mqtt.agents', 'mqtt.revoked', 'api.tokens', 'notifications']);
    // Sections derived from the top-level timezone (e.g. reports) may differ as well: they need a restart too.
    expect(plan.restart).toEqual(expect.arrayContaining(['data_dir', 'timezone', 'api.listen']));
    for (const path of RELOADABLE) expect(plan.restart).not.toContain(path);
    expect(plan.next.data_dir).toBe('/a');
    expect(plan.next.timezone).toBe('Asia/Shanghai');
    expect(plan.next.api.listen.port).toBe(8080);
    expect(plan.next.api.tokens).toHaveLength(2);
    expect(plan.next.mqtt.revoked).toEqual(['web-1']);
    expect(Object.keys(plan.next.notifications.channels)).toEqual(['hook']);
  });

  it('console users are applied in place', () => {
    const user = { name: 'carol', password_hash: 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', role: 'operator' as const };
    const plan = planReload(parse({ api: { tokens: [token('a')] } }), parse({ api: { tokens: [token('a')], users: [user] } }));
    expect(plan).toMatchObject({ changed: ['api.users'], restart: [] });
    expect(plan.next.api.users.map((u) => u.name)).toEqual(['carol']);
  });

  it('an unchanged file changes nothing; a removed secret is applied', () => {
    const running = parse({ mqtt: { enrolment_secret: 'secret-0123456789abcdef' } });
    expect(planReload(running, running)).toMatchObject({ changed: [], restart: [] });
    const plan = planReload(running, parse({}));
    expect(plan.changed).toEqual(['mqtt.enrolment_secret']);
    expect(plan.next.mqtt.enrolment_secret).toBeUndefined();
  });
});
