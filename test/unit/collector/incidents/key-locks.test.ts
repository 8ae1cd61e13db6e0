import { describe, expect, it } from 'vitest';
import { isActiveKeyConflict, keyLockId } from '../../../../collector/incidents/key-locks.js';
import { agentKey, checkKey } from '../../../../collector/incidents/engine.js';

describe('incident key locks', () => {
  it('a key has one stable 32-bit lock id on every collector', () => {
    const key = checkKey('web-1', 'disk-root');
    expect(keyLockId(key)).toBe(keyLockId(checkKey('web-1', 'disk-root')));
    expect(Number.isInteger(keyLockId(key)) && keyLockId(key) >= -(2 ** 31) && keyLockId(key) < 2 ** 31).toBe(true);
    expect(keyLockId(key)).not.toBe(keyLockId(agentKey('web-1')));
  });

  it('only the active-key unique index counts as a lost race (retried); other errors are not', () => {
    expect(isActiveKeyConflict({ code: '23505', constraint: 'incidents_one_active_per_key' })).toBe(true);
    expect(isActiveKeyConflict({ code: '23505', constraint: 'incidents_number_key' })).toBe(false);
    expect(isActiveKeyConflict(new Error('UNIQUE constraint failed: incidents.dedup_key'))).toBe(false);
    expect(isActiveKeyConflict(null)).toBe(false);
  });
});
