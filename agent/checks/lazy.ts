/**
 * A check plugin whose implementation module is imported on the first run of its first instance, so an agent
 * without such checks never loads it (net-snmp, croner, child_process, node:http...; BENCHMARKS.md "Agent
 * footprint"). The spec (config schema and default target, from the check's config file) stays eager: config
 * validation needs it and it is cheap.
 */
import type { z } from 'zod';
import type { CheckInstance, CheckPlugin, CheckSpec } from './types.js';

export function lazyCheck<S extends z.ZodType>(
  spec: CheckSpec<S>,
  load: () => Promise<CheckPlugin<S>>,
): CheckPlugin<S> {
  return {
    ...spec,
    create(cfg, deps) {
      let instance: Promise<CheckInstance> | null = null;
      // a failed import or create is retried on the next run (the runner reports this run as unknown)
      const get = (): Promise<CheckInstance> =>
        (instance ??= load()
          .then((plugin) => plugin.create(cfg, deps))
          .catch((error: unknown) => {
            instance = null;
            throw error;
          }));
      return {
        run: async (signal) => (await get()).run(signal),
        async close() {
          const created = instance ? await instance.catch(() => null) : null;
          await created?.close?.();
        },
      };
    },
  };
}
