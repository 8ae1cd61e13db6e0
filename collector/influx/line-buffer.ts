/**
 * A bounded FIFO of lines: when full, the OLDEST lines go first (recent data matters most after an outage)
 * and every dropped line is counted by the caller. Amortised O(1) via a head offset.
 */
export function createLineBuffer(maxLines: number) {
  let lines: string[] = [];
  let head = 0;
  const size = (): number => lines.length - head;

  function compact(): void {
    if (head > 4096 && head * 2 > lines.length) {
      lines = lines.slice(head);
      head = 0;
    }
  }

  function trim(): number {
    const over = size() - maxLines;
    if (over <= 0) return 0;
    head += over;
    compact();
    return over;
  }

  return {
    size,
    /** Appends; returns how many of the oldest lines were dropped to stay within the bound. */
    push(added: readonly string[]): number {
      for (const line of added) lines.push(line);
      return trim();
    },
    /** Puts lines back in front (a failed batch); returns how many of the oldest were dropped. */
    unshift(front: readonly string[]): number {
      lines = [...front, ...lines.slice(head)];
      head = 0;
      return trim();
    },
    /** Removes and returns up to n lines from the front. */
    take(n: number): string[] {
      const out = lines.slice(head, head + n);
      head += out.length;
      compact();
      return out;
    },
  };
}
export type LineBuffer = ReturnType<typeof createLineBuffer>;
