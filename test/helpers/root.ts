/** Tests that need root (network namespaces, raw ICMP, apt) skip with a printed reason otherwise. */
export const isRoot = process.getuid?.() === 0;

export function rootSkipReason(what: string): string | null {
  if (isRoot) return null;
  const reason = `SKIPPED (needs root): ${what}`;
  console.warn(reason);
  return reason;
}
