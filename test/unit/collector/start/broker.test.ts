/** The login an adopted broker session connects with (collector/start/broker.ts, docs/ha.md "Failover"). */
import { describe, expect, it } from 'vitest';
import { adoptedUsername } from '../../../../collector/start/broker.js';

describe('adoptedUsername', () => {
  it('the adopted client id when our login is our client id (use_username_as_clientid), else our own login', () => {
    expect(adoptedUsername({ username: 'outpost-collector-a', client_id: 'outpost-collector-a' }, 'outpost-collector-b')).toBe('outpost-collector-b');
    expect(adoptedUsername({ username: 'collectors', client_id: 'outpost-collector-a' }, 'outpost-collector-b')).toBe('collectors');
    expect(adoptedUsername({ username: undefined, client_id: 'outpost-collector-a' }, 'outpost-collector-b')).toBeUndefined();
  });
});
