/** MQTT remaining-length varint (MQTT 3.1.1 §2.2.3), for tests that hand-craft packets. */
export function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}
