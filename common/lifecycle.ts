/** Ordered start-up and graceful shutdown: components stop in reverse start order, each with a time limit. */
import type { Logger } from './logger.js';

export interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

export function createLifecycle(logger: Logger, stopTimeoutMs = 10_000) {
  const started: Stoppable[] = [];
  let stopping: Promise<void> | null = null;
  return {
    /** Registers something that was started; it will be stopped before everything registered earlier. */
    add(component: Stoppable): void {
      started.push(component);
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        for (const component of [...started].reverse()) {
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([
              Promise.resolve(component.stop()),
              new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(`timed out after ${stopTimeoutMs} ms`)), stopTimeoutMs);
              }),
            ]);
          } catch (error) {
            logger.error({ component: component.name, err: error }, 'error while stopping');
          } finally {
            clearTimeout(timer);
          }
        }
      })();
      return stopping;
    },
  };
}
export type Lifecycle = ReturnType<typeof createLifecycle>;
