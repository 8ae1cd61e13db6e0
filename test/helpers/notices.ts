/** A sample incident notice (opened 2026-11-21 10:07:00 Asia/Shanghai) for notification tests. */
import type { IncidentNotice } from '../../collector/events.js';

export function sampleNotice(over: Partial<IncidentNotice> = {}, incident: Partial<IncidentNotice['incident']> = {}): IncidentNotice {
  return {
    kind: 'opened',
    atMs: Date.UTC(2026, 10, 21, 2, 7, 0),
    ...over,
    incident: {
      id: 7,
      number: 'INC-20261121-0007',
      title: 'web-01 ping: 100% packet loss',
      severity: 'P1',
      status: 'open',
      target: 'web-01',
      checkId: 'ping',
      openedAtMs: Date.UTC(2026, 10, 21, 2, 7, 0),
      url: 'https://outpost.example.com/incidents/7',
      ...incident,
    },
  };
}
