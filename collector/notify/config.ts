/** Collector config section `notifications:` (placeholder until the notification work lands). */
import { z } from 'zod';

export const notifyConfigSchema = z.strictObject({}).default({});
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
