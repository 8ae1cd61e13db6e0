/** Shared notices and deps for the notification integration tests. */
import { pino } from 'pino';
import type { IncidentNotice } from '../../../../collector/events.js';
import { renderNotice } from '../../../../collector/notify/render.js';
import type { ChannelDeps, RenderedNotice } from '../../../../collector/notify/types.js';

export const silentLogger = pino({ level: 'silent' });

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

export function sampleMessage(over: Partial<IncidentNotice> = {}, incident: Partial<IncidentNotice['incident']> = {}): RenderedNotice {
  return renderNotice(sampleNotice(over, incident));
}

export function channelDeps(now: () => number = Date.now): ChannelDeps {
  return { logger: silentLogger, now };
}
