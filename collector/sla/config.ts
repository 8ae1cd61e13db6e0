/** Collector config section `sla:` (placeholder until the SLA engine lands). */
import { z } from 'zod';

export const slaConfigSchema = z.strictObject({}).default({});
export type SlaConfig = z.infer<typeof slaConfigSchema>;
