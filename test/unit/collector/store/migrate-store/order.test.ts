/** Parents before children, whatever order the tables are listed in; a self-reference is no cycle; a real cycle is named. */
import { describe, expect, it } from 'vitest';
import { copyOrder } from '../../../../../collector/store/migrate-store/order.js';

describe('copyOrder', () => {
  it('puts every referenced table first, ties by name', () => {
    expect(
      copyOrder([
        { table: 'incident_events', references: ['incidents'] },
        { table: 'asset_baseline_agents', references: ['asset_baselines'] },
        { table: 'incidents', references: ['incidents'] },
        { table: 'asset_baselines', references: [] },
        { table: 'agents', references: [] },
      ]),
    ).toEqual(['agents', 'asset_baselines', 'incidents', 'asset_baseline_agents', 'incident_events']);
  });

  it('names a cycle and a reference to a table not copied', () => {
    expect(() => copyOrder([{ table: 'a', references: ['b'] }, { table: 'b', references: ['a'] }, { table: 'c', references: [] }])).toThrow('foreign keys form a cycle among a, b: no order copies them parents first');
    expect(() => copyOrder([{ table: 'a', references: ['gone'] }])).toThrow('table a has a foreign key to gone, which is not among the tables copied');
  });
});
