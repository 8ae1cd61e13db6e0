/**
 * Typed reads of untrusted varbinds. A device may answer anything (a string where a counter belongs, a
 * 12-byte "Counter64"): every reader returns null for a wrong type and records one short problem instead
 * of throwing, so a bad value is ignored with a message and the rest of the poll stands.
 */
import type { Varbind } from 'net-snmp';

/** ASN.1 / SMI type tags as net-snmp reports them. */
export const SnmpType = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SnmpType).map(([name, tag]) => [tag, name]));

export function typeName(tag: number): string {
  return TYPE_NAMES[tag] ?? `type ${tag}`;
}

/** noSuchObject / noSuchInstance / endOfMibView: "the device has no such value", not a bad answer. */
export function isAbsent(vb: Varbind | undefined): boolean {
  return vb === undefined || vb.type === SnmpType.NoSuchObject || vb.type === SnmpType.NoSuchInstance || vb.type === SnmpType.EndOfMibView || vb.type === SnmpType.Null;
}

const MAX_PROBLEMS = 20;

/** Collects what was ignored during one poll; at most MAX_PROBLEMS are kept, the total is counted. */
export class ValueProblems {
  readonly list: string[] = [];
  count = 0;
  add(problem: string): void {
    this.count++;
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
  }
}

function wrongType(problems: ValueProblems, label: string, vb: Varbind, expected: string): null {
  problems.add(`${label} (${vb.oid}): expected ${expected}, got ${typeName(vb.type)}; ignored`);
  return null;
}

const INTEGER_TYPES: readonly number[] = [SnmpType.Integer, SnmpType.Counter32, SnmpType.Gauge32, SnmpType.TimeTicks];

/** Integer, Counter32, Gauge32, TimeTicks → a finite number. */
export function readNumber(vb: Varbind | undefined, label: string, problems: ValueProblems): number | null {
  if (isAbsent(vb) || !vb) return null;
  if (INTEGER_TYPES.includes(vb.type) && typeof vb.value === 'number' && Number.isFinite(vb.value)) return vb.value;
  return wrongType(problems, label, vb, 'an integer');
}

/** Like readNumber, but also a decimal number sent as text (sensors and UPSes often do that). */
export function readNumeric(vb: Varbind | undefined, label: string, problems: ValueProblems): number | null {
  if (isAbsent(vb) || !vb) return null;
  if (vb.type === SnmpType.OctetString && Buffer.isBuffer(vb.value)) {
    const text = vb.value.toString('latin1').trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    return wrongType(problems, label, vb, 'a number');
  }
  if (vb.type === SnmpType.Counter64) {
    const big = readCounter(vb, label, problems);
    return big === null ? null : Number(big);
  }
  return readNumber(vb, label, problems);
}

/** A counter as bigint: Counter32 (a number) or Counter64 (net-snmp hands it over as a big-endian Buffer). */
export function readCounter(vb: Varbind | undefined, label: string, problems: ValueProblems): bigint | null {
  if (isAbsent(vb) || !vb) return null;
  if (vb.type === SnmpType.Counter32 && typeof vb.value === 'number' && Number.isInteger(vb.value) && vb.value >= 0) return BigInt(vb.value);
  if (vb.type === SnmpType.Counter64 && Buffer.isBuffer(vb.value)) {
    const bytes = vb.value;
    // BER may add one leading zero byte; anything longer than 64 bits is not a Counter64
    const significant = bytes.length === 9 && bytes[0] === 0 ? bytes.subarray(1) : bytes;
    if (significant.length === 0 || significant.length > 8) return wrongType(problems, label, vb, 'a Counter64 of at most 8 bytes');
    return BigInt(`0x${significant.toString('hex')}`);
  }
  return wrongType(problems, label, vb, 'a counter');
}

/** Printable text from an OctetString: control characters dropped, trailing NULs trimmed, bounded. */
export function readText(vb: Varbind | undefined, label: string, problems: ValueProblems, maxLength = 255): string | null {
  if (isAbsent(vb) || !vb) return null;
  if (vb.type !== SnmpType.OctetString || !Buffer.isBuffer(vb.value)) return wrongType(problems, label, vb, 'a string');
  // eslint-disable-next-line no-control-regex
  return vb.value.toString('utf8').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, maxLength);
}

export function readOid(vb: Varbind | undefined, label: string, problems: ValueProblems): string | null {
  if (isAbsent(vb) || !vb) return null;
  if (vb.type === SnmpType.OID && typeof vb.value === 'string' && /^[\d.]{1,1000}$/.test(vb.value)) return vb.value;
  return wrongType(problems, label, vb, 'an OID');
}
