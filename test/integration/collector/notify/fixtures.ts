/** Shared notices and deps for the notification integration tests. */
import { pino } from 'pino';
import type { IncidentNotice } from '../../../../collector/events.js';
import { sampleNotice } from '../../../helpers/notices.js';

export { sampleNotice };
import { renderNotice } from '../../../../collector/notify/render.js';
import type { ChannelDeps, RenderedNotice } from '../../../../collector/notify/types.js';

export const silentLogger = pino({ level: 'silent' });

export function sampleMessage(over: Partial<IncidentNotice> = {}, incident: Partial<IncidentNotice['incident']> = {}): RenderedNotice {
  return renderNotice(sampleNotice(over, incident));
}

export function channelDeps(now: () => number = Date.now): ChannelDeps {
  return { logger: silentLogger, now };
}
