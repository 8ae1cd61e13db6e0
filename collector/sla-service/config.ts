/**
 * Collector config section `services:` — business services whose availability is derived from member targets
 * and checks with a rule (`all` members up, `any` member up, or `{ at_least: n }`).
 *
 * ```yaml
 * services:
 *   - name: shop
 *     rule: { at_least: 1 }          # all (default) | any | { at_least: n }
 *     members:
 *       targets: [web-1, web-2]      # each target's own availability (reachability checks, else all checks)
 *       checks:
 *         - { target: db-1, check_id: pg }
 * ```
 */
import { z } from 'zod';
import type { DerivationRule } from '../sla/index.js';

const ruleSchema = z.union([z.enum(['all', 'any']), z.strictObject({ at_least: z.number().int().min(1).max(10_000) })]);

export const serviceSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    rule: ruleSchema.default('all'),
    members: z.strictObject({
      targets: z.array(z.string().min(1).max(200)).default([]),
      checks: z
        .array(z.strictObject({ target: z.string().min(1).max(200), check_id: z.string().min(1).max(200), agent_id: z.string().min(1).max(63).optional() }))
        .default([]),
    }),
  })
  .refine((s) => s.members.targets.length + s.members.checks.length > 0, { message: 'a service needs at least one member', path: ['members'] });
export type ServiceConfig = z.output<typeof serviceSchema>;

export const servicesConfigSchema = z
  .array(serviceSchema)
  .superRefine((services, ctx) => {
    const seen = new Set<string>();
    services.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate service "${s.name}"` });
      seen.add(s.name);
    });
  })
  .default([]);

export function derivationRuleOf(rule: ServiceConfig['rule']): DerivationRule {
  if (rule === 'all') return { mode: 'all' };
  if (rule === 'any') return { mode: 'any' };
  return { mode: 'at_least', n: rule.at_least };
}

export function describeRule(rule: DerivationRule): string {
  return rule.mode === 'at_least' ? `at_least ${rule.n}` : rule.mode;
}
