/**
 * The catalogue of check findings: a result's `code` and `params` rendered in the reader's language at the edge
 * (reports, notifications, console). The agent still sends an English `message` for older collectors and for
 * logs; a result without a code, or with one this catalogue does not know, is shown by that message.
 * One file per check family under ./findings/; this index merges them and renders.
 *
 * Several findings in one result travel as `check.findings`: `count`, and per finding i `f<i>` (its code) and
 * `f<i>.<param>` (its params); `more` counts findings left out, `subject` (e.g. a device's sysName) prefixes
 * the text. Parameters are raw values (bytes, seconds, percents); the templates format them for people.
 */
import type { FindingParams } from './protocol.js';
import type { Lang } from './humanize.js';
import { BACKUP_FINDINGS } from './findings/backup.js';
import { COLLECTOR_FINDINGS } from './findings/collector.js';
import type { Catalogue, FindingText } from './findings/format.js';
import { HOST_FINDINGS } from './findings/host.js';
import { NETWORK_FINDINGS } from './findings/network.js';
import { SERVICE_FINDINGS } from './findings/service.js';
import { SNMP_FINDINGS } from './findings/snmp.js';

export type { FindingText };

/** The code of a result carrying several findings (see the module comment). */
export const SEVERAL_FINDINGS = 'check.findings';

/** One entry per code, `<check type>.<finding>`. */
export const FINDINGS: Catalogue = {
  ...HOST_FINDINGS,
  ...NETWORK_FINDINGS,
  ...SERVICE_FINDINGS,
  ...SNMP_FINDINGS,
  ...BACKUP_FINDINGS,
  ...COLLECTOR_FINDINGS,
};

/** Splits a `check.findings` result into its findings (code + params each). */
export function unpackFindings(params: FindingParams): Array<{ code: string; params: FindingParams }> {
  const count = typeof params.count === 'number' ? params.count : 0;
  const out: Array<{ code: string; params: FindingParams }> = [];
  for (let i = 0; i < count; i++) {
    const code = params[`f${i}`];
    if (typeof code !== 'string') continue;
    const prefix = `f${i}.`;
    const own: FindingParams = {};
    for (const [key, value] of Object.entries(params)) if (key.startsWith(prefix)) own[key.slice(prefix.length)] = value;
    out.push({ code, params: own });
  }
  return out;
}

/** The params a code's templates need that `params` lacks (empty when complete or the code is unknown). */
export function missingParams(code: string, params: FindingParams): string[] {
  if (code === SEVERAL_FINDINGS) return unpackFindings(params).flatMap((f) => missingParams(f.code, f.params).map((p) => `${f.code}.${p}`));
  return (FINDINGS[code]?.params ?? []).filter((p) => !Object.hasOwn(params, p));
}

const SEPARATOR: Record<Lang, string> = { 'zh-CN': '；', en: '; ' };
const SUBJECT: Record<Lang, (s: string) => string> = { 'zh-CN': (s) => `${s}：`, en: (s) => `${s}: ` };
const MORE: Record<Lang, (n: number) => string> = { 'zh-CN': (n) => `；另有 ${n} 项`, en: (n) => `; ${n} more` };

/** The finding in `lang`, or `message` when the code is absent or unknown (older agents, custom checks). */
export function renderFinding(
  finding: { code?: string | null; params?: FindingParams | null; message: string },
  lang: Lang,
): string {
  if (!finding.code) return finding.message;
  const params = finding.params ?? {};
  const subject = typeof params.subject === 'string' && params.subject !== '' ? SUBJECT[lang](params.subject) : '';
  if (finding.code === SEVERAL_FINDINGS) {
    const parts = unpackFindings(params);
    if (parts.length === 0 || parts.some((p) => !FINDINGS[p.code])) return finding.message;
    const more = typeof params.more === 'number' && params.more > 0 ? MORE[lang](params.more) : '';
    return `${subject}${parts.map((p) => (FINDINGS[p.code] as FindingText)[lang](p.params)).join(SEPARATOR[lang])}${more}`;
  }
  const text = FINDINGS[finding.code];
  if (!text) return finding.message;
  return `${subject}${text[lang](params)}`;
}
