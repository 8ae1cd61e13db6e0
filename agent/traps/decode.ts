/**
 * Pure: a received SNMP notification (v1 Trap-PDU, v2c/v3 SNMPv2-Trap or Inform) → an `snmp_trap` event.
 * v1 traps are mapped to SNMPv2 trap OIDs (RFC 3584 §3.1) so both look the same downstream. The target is the
 * device name of the snmp check polling the sender's address, else the address itself.
 */
import type { Varbind } from 'net-snmp';
import type { InterfaceDirectory } from './interfaces.js';
import { z } from 'zod';
import { readText, SnmpType, ValueProblems } from '../checks/snmp/values.js';
import type { AgentEvent } from './events.js';

export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const GENERIC_TRAPS = '1.3.6.1.6.3.1.1.5';

export const WELL_KNOWN_TRAPS: Record<string, string> = {
  [`${GENERIC_TRAPS}.1`]: 'coldStart',
  [`${GENERIC_TRAPS}.2`]: 'warmStart',
  [`${GENERIC_TRAPS}.3`]: 'linkDown',
  [`${GENERIC_TRAPS}.4`]: 'linkUp',
  [`${GENERIC_TRAPS}.5`]: 'authenticationFailure',
  [`${GENERIC_TRAPS}.6`]: 'egpNeighborLoss',
};

/** IF-MIB columns carried by linkDown/linkUp, keyed by column OID prefix. */
const IF_VARBINDS: Array<{ prefix: string; key: 'if_index' | 'if_admin_status' | 'if_oper_status' | 'if_name' | 'if_descr' | 'if_alias' }> = [
  { prefix: '1.3.6.1.2.1.2.2.1.1.', key: 'if_index' },
  { prefix: '1.3.6.1.2.1.2.2.1.2.', key: 'if_descr' },
  { prefix: '1.3.6.1.2.1.2.2.1.7.', key: 'if_admin_status' },
  { prefix: '1.3.6.1.2.1.2.2.1.8.', key: 'if_oper_status' },
  { prefix: '1.3.6.1.2.1.31.1.1.1.1.', key: 'if_name' },
  { prefix: '1.3.6.1.2.1.31.1.1.1.18.', key: 'if_alias' },
];
const IF_STATUS = ['', 'up', 'down', 'testing', 'unknown', 'dormant', 'notPresent', 'lowerLayerDown'];

/** Varbinds copied into `data` at most (a trap is small; a huge one is cut, not rejected). */
const MAX_VARBINDS = 30;

const notificationSchema = z.object({
  pdu: z.object({
    type: z.number(),
    varbinds: z.array(z.object({ oid: z.string().max(1000), type: z.number(), value: z.unknown() })).max(1000).default([]),
    enterprise: z.string().max(1000).optional(),
    agentAddr: z.string().max(100).optional(),
    generic: z.number().optional(),
    specific: z.number().optional(),
    community: z.string().max(255).optional(),
    user: z.string().max(255).optional(),
  }),
  rinfo: z.object({ address: z.string().max(100), port: z.number() }),
});

/** The scalar form of a varbind value for event data (strings bounded, buffers as text or hex). */
function scalar(vb: Varbind): string | number | null {
  if (typeof vb.value === 'number' && Number.isFinite(vb.value)) return vb.value;
  if (typeof vb.value === 'string') return vb.value.slice(0, 200);
  if (Buffer.isBuffer(vb.value)) {
    if (vb.type === SnmpType.Counter64) return vb.value.length <= 8 && vb.value.length > 0 ? Number(BigInt(`0x${vb.value.toString('hex')}`)) : null;
    const text = vb.value.toString('utf8');
    // eslint-disable-next-line no-control-regex
    return /^[^\u0000-\u0008\u000e-\u001f]*$/.test(text) ? text.slice(0, 200) : `0x${vb.value.toString('hex').slice(0, 200)}`;
  }
  return null;
}

/** RFC 3584 §3.1: generic-trap 0–5 → snmpTraps.(n+1); enterpriseSpecific → enterprise.0.specific. */
export function v1TrapOid(enterprise: string, generic: number, specific: number): string {
  return generic >= 0 && generic <= 5 ? `${GENERIC_TRAPS}.${generic + 1}` : `${enterprise}.0.${specific}`;
}

export type DecodedTrap = { ok: true; event: AgentEvent } | { ok: false; problem: string };

export function decodeTrap(raw: unknown, devices: ReadonlyMap<string, string>, observedAtMs: number, interfaces?: InterfaceDirectory): DecodedTrap {
  const parsed = notificationSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: `malformed notification: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` };
  const { pdu, rinfo } = parsed.data;
  const varbinds = pdu.varbinds as Varbind[];
  let trapOid: string | undefined;
  let version: string;
  if (pdu.type === 164) {
    version = 'v1';
    trapOid = v1TrapOid(pdu.enterprise ?? '', pdu.generic ?? 6, pdu.specific ?? 0);
  } else {
    version = pdu.user !== undefined ? 'v3' : 'v2c';
    const vb = varbinds.find((v) => v.oid === SNMP_TRAP_OID);
    if (vb && typeof vb.value === 'string') trapOid = vb.value;
  }
  if (!trapOid || !/^[\d.]{1,1000}$/.test(trapOid)) return { ok: false, problem: `notification from ${rinfo.address} without a valid snmpTrapOID` };

  const trapName = WELL_KNOWN_TRAPS[trapOid] ?? null;
  const source = rinfo.address.replace(/^::ffff:/, '');
  const target = devices.get(source) ?? (pdu.agentAddr ? devices.get(pdu.agentAddr) : undefined) ?? source;
  const data: Record<string, string | number | boolean | null> = { trap_oid: trapOid, trap_name: trapName, source_address: source, snmp_version: version };
  if (pdu.type === 166) data.inform = true;
  const problems = new ValueProblems();
  let copied = 0;
  for (const vb of varbinds) {
    if (vb.oid === SNMP_TRAP_OID) continue;
    if (vb.oid === SYS_UPTIME) {
      if (typeof vb.value === 'number') data.uptime_s = vb.value / 100;
      continue;
    }
    const known = IF_VARBINDS.find((k) => vb.oid.startsWith(k.prefix));
    if (known) {
      const isText = known.key === 'if_name' || known.key === 'if_descr' || known.key === 'if_alias';
      const value = isText ? readText(vb, known.key, problems) : typeof vb.value === 'number' ? vb.value : null;
      if (known.key === 'if_admin_status' || known.key === 'if_oper_status') data[known.key] = IF_STATUS[value as number] ?? value;
      else data[known.key] = value;
      if (data.if_index === undefined) data.if_index = Number(vb.oid.slice(known.prefix.length)) || null;
      continue;
    }
    if (copied++ < MAX_VARBINDS) data[`vb.${vb.oid}`.slice(0, 100)] = scalar(vb);
  }
  if (copied > MAX_VARBINDS) data.varbinds_omitted = copied - MAX_VARBINDS;
  // a link trap with only ifIndex: the names from the last poll of that device
  if (typeof data.if_index === 'number' && data.if_name === undefined && data.if_descr === undefined) {
    const known = interfaces?.lookup(source, data.if_index) ?? (pdu.agentAddr ? interfaces?.lookup(pdu.agentAddr, data.if_index) : undefined);
    if (known) {
      data.if_name = known.name;
      if (known.descr) data.if_descr = known.descr;
      data.if_names_from = 'last_poll';
    }
  }

  const what = trapName ?? `trap ${trapOid}`;
  const ifLabel = data.if_name ?? data.if_descr ?? (data.if_index !== undefined ? `ifIndex ${data.if_index}` : null);
  const on = ifLabel !== null ? ` on ${ifLabel}${data.if_index !== undefined && ifLabel !== `ifIndex ${data.if_index}` ? ` (ifIndex ${data.if_index})` : ''}` : '';
  const from = target === source ? source : `${target} (${source})`;
  return { ok: true, event: { kind: 'snmp_trap', target, message: `${what}${on} from ${from}`.slice(0, 2000), data, observed_at_ms: observedAtMs } };
}
