import { describe, expect, it } from 'vitest';
import type { IncidentNotice, Severity } from '../../../../collector/events.js';
import type { NotifyRoute } from '../../../../collector/notify/config.js';
import { selectChannels } from '../../../../collector/notify/routing.js';

function notice(severity: Severity, kind: IncidentNotice['kind'], channels?: string[]): IncidentNotice {
  return {
    kind,
    incident: { id: 1, number: 'INC-1', title: 't', severity, status: 'open', target: null, checkId: null, openedAtMs: 0 },
    atMs: 0,
    ...(channels ? { channels } : {}),
  };
}

const routes: NotifyRoute[] = [
  { severities: ['P1', 'P2'], kinds: ['opened', 'escalated'], channels: ['oncall-dingtalk', 'email-ops'] },
  { severities: ['P3', 'P4'], channels: ['wecom-ops'] },
  { kinds: ['resolved'], channels: ['email-ops', 'audit-hook'] },
];

describe('selectChannels', () => {
  it('P1 opened → the urgent route', () => {
    expect(selectChannels(notice('P1', 'opened'), routes)).toEqual(['oncall-dingtalk', 'email-ops']);
  });

  it('P2 acknowledged matches no route', () => {
    expect(selectChannels(notice('P2', 'acknowledged'), routes)).toEqual([]);
  });

  it('a route without kinds matches every kind of its severities', () => {
    expect(selectChannels(notice('P4', 'sla_warning'), routes)).toEqual(['wecom-ops']);
  });

  it('several matching routes are merged without duplicates, in first-seen order', () => {
    expect(selectChannels(notice('P3', 'resolved'), routes)).toEqual(['wecom-ops', 'email-ops', 'audit-hook']);
    expect(selectChannels(notice('P1', 'resolved'), [...routes, { channels: ['email-ops'] }])).toEqual(['email-ops', 'audit-hook']);
  });

  it('notice.channels overrides routing (escalation levels name their channels)', () => {
    expect(selectChannels(notice('P4', 'escalated', ['director-email']), routes)).toEqual(['director-email']);
    expect(selectChannels(notice('P1', 'opened', []), routes)).toEqual([]);
  });

  it('empty severities/kinds lists match everything', () => {
    expect(selectChannels(notice('P2', 'closed'), [{ severities: [], kinds: [], channels: ['all'] }])).toEqual(['all']);
  });
});
