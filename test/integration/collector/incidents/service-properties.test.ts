/**
 * Random sequences of state changes (several checks on two targets, ping among them, time moving forward)
 * applied through the real service and the async store on SQLite; after every step the invariants of issue 3 must hold.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openSqlStore } from '../../../../collector/store/sql/connect.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { createIncidentService } from '../../../../collector/incidents/service.js';
import { checkKey } from '../../../../collector/incidents/engine.js';
import { createLogger } from '../../../../common/logger.js';
import type { IncidentNotice, StateChange } from '../../../../collector/events.js';
import type { CheckState } from '../../../../common/protocol.js';

const T0 = Date.parse('2025-03-14T15:00:00Z'); // one hour before midnight in Shanghai: numbers roll over mid-run
const CHECKS = [
  { checkId: 'ping', checkType: 'ping' },
  { checkId: 'disk', checkType: 'disk' },
  { checkId: 'http', checkType: 'http' },
];
const TARGETS = ['web-1', 'db-1'];

const step = fc.record({
  target: fc.constantFrom(...TARGETS),
  check: fc.constantFrom(...CHECKS),
  to: fc.constantFrom<CheckState>('ok', 'warn', 'crit', 'unknown'),
  advanceMs: fc.constantFrom(0, 1000, 300_000, 700_000),
});

describe('service invariants under random state changes', () => {
  it('one active incident per bad check, none for ok checks, unique daily numbers, folding consistent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const store = await openSqlStore({ kind: 'sqlite', file: ':memory:' });
        let clock = T0;
        const notices: IncidentNotice[] = [];
        const service = createIncidentService({ store, config: incidentsConfigSchema.parse({}), now: () => clock, logger: createLogger({ level: 'silent' }), notify: (n) => notices.push(n) });
        const states = new Map<string, CheckState>();
        try {
          for (const s of steps) {
            clock += s.advanceMs;
            const key = checkKey(s.target, s.check.checkId);
            const change: StateChange = { agentId: s.target, target: s.target, ...s.check, from: states.get(key) ?? null, to: s.to, atMs: clock, reason: s.to, cause: 'result' };
            states.set(key, s.to);
            const noticesBefore = notices.length;
            await service.handleStateChange(change);

            const all = (await service.list({ limit: 1000, offset: 0 })).items;
            const active = all.filter((i) => i.status === 'open' || i.status === 'acknowledged');
            // Exactly one active incident per bad check and none per ok check (defaults open every bad state, auto-resolve).
            for (const [k, state] of states) {
              const mine = active.filter((i) => i.dedupKey === k);
              expect(mine.length).toBe(state === 'ok' ? 0 : 1);
              if (state !== 'ok') expect(mine[0]?.lastState).toBe(state);
            }
            // A folded incident always hangs under an active host incident of the same target.
            for (const child of active.filter((i) => i.parentId !== null)) {
              const parent = all.find((i) => i.id === child.parentId);
              expect(parent).toMatchObject({ isHost: true, target: child.target });
              expect(['open', 'acknowledged']).toContain(parent?.status);
            }
            // Numbers are unique and each day's sequence has no gaps.
            const byDay = new Map<string, number[]>();
            for (const i of all) {
              const [, day, seq] = /^INC-(\d{8})-(\d{4})$/.exec(i.number) ?? [];
              byDay.set(day!, [...(byDay.get(day!) ?? []), Number(seq)]);
            }
            for (const seqs of byDay.values()) expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_, n) => n + 1));
            // Every active top-level incident was announced (opened/reopened) at least once.
            for (const i of active.filter((x) => x.parentId === null)) {
              expect(notices.some((n) => n.incident.id === i.id && (n.kind === 'opened' || n.kind === 'reopened'))).toBe(true);
            }
            // This step's notices are about incidents that are not folded (folded ones stay silent).
            for (const n of notices.slice(noticesBefore)) expect(all.find((i) => i.id === n.incident.id)?.parentId).toBeNull();
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
