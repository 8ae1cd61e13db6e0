/**
 * The notification dispatcher of a running collector: notices go to the configured channels with their findings and
 * due times (notify/notice-context.ts); a reload (SIGHUP) swaps the dispatcher and the old one finishes what it has
 * queued in the background; every delivery outcome goes back into the pipeline (/metrics, the ticket timeline).
 */
import type { Lifecycle } from '../../common/lifecycle.js';
import type { Logger } from '../../common/logger.js';
import type { CollectorConfig } from '../config.js';
import type { CollectorMetrics } from '../metrics.js';
import { createDispatcher, type Dispatcher } from '../notify/dispatcher.js';
import type { createNoticeContext } from '../notify/notice-context.js';
import type { Pipeline } from '../pipeline.js';
import type { LiveConfig } from '../reload.js';

export function startNotifications(deps: {
  config: CollectorConfig;
  live: LiveConfig;
  lifecycle: Lifecycle;
  log: Logger;
  root: Logger;
  now: () => number;
  metrics: CollectorMetrics;
  pipeline: Pipeline;
  noticeContext: Pick<ReturnType<typeof createNoticeContext>, 'enrich'>;
}): Pick<Dispatcher, 'notify' | 'deliver'> {
  const { config, live, log, root, now, pipeline } = deps;
  const build = (cfg: CollectorConfig['notifications']) =>
    createDispatcher(cfg, {
      logger: root,
      now,
      timeZone: config.timezone,
      enrich: (notice) => deps.noticeContext.enrich(notice),
      onDelivery: (delivery) => pipeline.delivered(delivery),
      onFailure: (channel) => deps.metrics.notificationFailures.inc({ channel }),
    });
  let dispatcher = build(config.notifications);
  live.on('notifications', (next) => {
    const old = dispatcher;
    dispatcher = build(next.notifications);
    old.stop().catch((error: unknown) => log.error({ err: error }, 'previous notification dispatcher did not stop cleanly'));
  });
  deps.lifecycle.add({ name: 'notifications', stop: () => dispatcher.stop() });
  return {
    notify: (notice, settled) => dispatcher.notify(notice, settled),
    deliver: (message, channels, name) => dispatcher.deliver(message, channels, name),
  };
}
