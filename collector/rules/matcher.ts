/**
 * The one rule matcher of the collector (pure), shared by the incident rules (collector/incidents/rules.ts) and the
 * agent-event trap rules (collector/agent-events/rules.ts): the same glob, the same field semantics, the same
 * "configured rules first, then the built-ins, first match wins" with the same `rules[i]` / `builtin[i]` names.
 *
 * - A field absent from `match` matches everything; present, it is a list of alternatives (OR); the fields of one
 *   `match` must all hold (AND).
 * - Pattern fields: `*` matches any run of characters, everything else is literal. A subject may offer several
 *   values for one field (an interface has a name and a description): any of them may match. A missing value
 *   (null) never matches a pattern.
 * - Value fields (states, severities, causes, ...) match by equality.
 */

/** `*` matches any run of characters; everything else is literal. */
export function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(value);
}

/** A pattern field: absent → true; else some pattern matches some (non-null) value of the subject. */
export function patternsMatch(patterns: readonly string[] | undefined, values: string | null | ReadonlyArray<string | null>): boolean {
  if (!patterns) return true;
  const list = Array.isArray(values) ? (values as ReadonlyArray<string | null>) : [values as string | null];
  return patterns.some((p) => list.some((v) => v !== null && globMatches(p, v)));
}

/** A value field: absent → true; else the subject's value is one of them. */
export function valueMatches<T>(allowed: readonly T[] | undefined, value: T): boolean {
  return !allowed || allowed.includes(value);
}

/** The first rule that matches, configured rules before the built-ins (unless those are off), with its name. */
export function firstMatchingRule<R>(
  configured: readonly R[],
  builtin: readonly R[] | null,
  matches: (rule: R) => boolean,
): { rule: R; name: string } | null {
  const lists: Array<[string, readonly R[]]> = [['rules', configured]];
  if (builtin) lists.push(['builtin', builtin]);
  for (const [label, rules] of lists) {
    for (const [index, rule] of rules.entries()) if (matches(rule)) return { rule, name: `${label}[${index}]` };
  }
  return null;
}
