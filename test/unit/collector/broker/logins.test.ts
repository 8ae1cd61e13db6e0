/** The embedded broker's login policy: enrolment-derived passwords, explicit entries winning, revocation, client-id ownership. */
import { describe, expect, it } from 'vitest';
import { clientIdBelongsTo, createLoginPolicy } from '../../../../collector/broker/logins.js';
import { enrolmentPassword } from '../../../../collector/enrolment.js';

const SECRET = 'enrolment-secret-0123456789';
const pw = (text: string) => Buffer.from(text);

describe('login policy', () => {
  it('anonymous broker without agents or secret; a revoked client id is still refused', () => {
    const open = createLoginPolicy({ agents: [], revoked: ['gone-1'] });
    expect(open.authenticated).toBe(false);
    expect(open.check('web-1', undefined, undefined)).toEqual({ ok: true, agentId: null });
    expect(open.check('gone-1:x', undefined, undefined)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('admits an agent with its derived password under its own id only', () => {
    const policy = createLoginPolicy({ agents: [], enrolment_secret: SECRET, revoked: [] });
    const password = enrolmentPassword(SECRET, 'web-1');
    expect(policy.authenticated).toBe(true);
    expect(policy.check('web-1', 'web-1', pw(password))).toEqual({ ok: true, agentId: 'web-1' });
    expect(policy.check('web-1:tools', 'web-1', pw(password))).toEqual({ ok: true, agentId: 'web-1' });
    expect(policy.check('web-1', 'web-1', pw('wrong'))).toMatchObject({ ok: false, reason: 'wrong password', returnCode: 4 });
    // web-1's password does not open db-1, and web-1 cannot take db-1's client id (nor web-10's).
    expect(policy.check('db-1', 'db-1', pw(password))).toMatchObject({ ok: false, reason: 'wrong password' });
    expect(policy.check('db-1', 'web-1', pw(password))).toMatchObject({ ok: false, reason: 'client id not owned', returnCode: 2 });
    expect(policy.check('web-10', 'web-1', pw(password))).toMatchObject({ ok: false, reason: 'client id not owned' });
    expect(policy.check('web-1', undefined, undefined)).toMatchObject({ ok: false, reason: 'anonymous' });
  });

  it('an explicit mqtt.agents entry wins over the derived password; unknown users are refused without a secret', () => {
    const policy = createLoginPolicy({ agents: [{ id: 'web-1', password: 'fixed-password' }], enrolment_secret: SECRET, revoked: [] });
    expect(policy.check('web-1', 'web-1', pw('fixed-password'))).toMatchObject({ ok: true });
    expect(policy.check('web-1', 'web-1', pw(enrolmentPassword(SECRET, 'web-1')))).toMatchObject({ ok: false, reason: 'wrong password' });
    const explicitOnly = createLoginPolicy({ agents: [{ id: 'web-1', password: 'fixed-password' }], revoked: [] });
    expect(explicitOnly.check('db-1', 'db-1', pw(enrolmentPassword(SECRET, 'db-1')))).toMatchObject({ ok: false, reason: 'unknown user' });
  });

  it('refuses a revoked id whichever way it logs in', () => {
    const policy = createLoginPolicy({ agents: [{ id: 'web-1', password: 'fixed-password' }], enrolment_secret: SECRET, revoked: ['web-1', 'db-1'] });
    expect(policy.check('web-1', 'web-1', pw('fixed-password'))).toMatchObject({ ok: false, reason: 'revoked', returnCode: 5 });
    expect(policy.check('db-1', 'db-1', pw(enrolmentPassword(SECRET, 'db-1')))).toMatchObject({ ok: false, reason: 'revoked' });
    expect(policy.isRevoked('db-1')).toBe(true);
    expect(policy.isRevoked('web-2')).toBe(false);
  });

  it('client ids belong to the id itself or id + ":" + suffix', () => {
    expect(clientIdBelongsTo('web-1', 'web-1')).toBe(true);
    expect(clientIdBelongsTo('web-1:probe', 'web-1')).toBe(true);
    expect(clientIdBelongsTo('web-10', 'web-1')).toBe(false);
    expect(clientIdBelongsTo('web-1-x', 'web-1')).toBe(false);
  });
});
