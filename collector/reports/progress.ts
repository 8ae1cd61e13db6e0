/** A tiny progress bar for long generations, drawn only on a TTY (`[#####-----] 50% rendering pdf`). */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number) {
  let done = 0;
  const draw = (label: string) => {
    if (!stream.isTTY) return;
    const width = 20;
    const filled = Math.round((done / total) * width);
    stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round((done / total) * 100)).padStart(3)}% ${label.padEnd(30)}`);
  };
  return {
    step(label: string): void {
      done = Math.min(total, done + 1);
      draw(label);
    },
    end(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
