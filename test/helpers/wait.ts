/** Polls `probe` until it returns a value that is not undefined/false, or throws after the timeout. */
export async function waitUntil<T>(probe: () => T | Promise<T>, timeoutMs = 20_000, what = 'condition'): Promise<Exclude<T, false | undefined | null>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false && value !== null) return value as Exclude<T, false | undefined | null>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
