/**
 * A tiny progress bar for long generations (`[##########----------]  50% building`), drawn only on a TTY and
 * redrawn in place; `end` erases it, so the line printed next (the summary, an error) starts clean.
 */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number) {
  let done = 0;
  let drawn = false;
  const draw = (label: string) => {
    if (!stream.isTTY) return;
    const width = 20;
    const filled = Math.round((done / total) * width);
    stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round((done / total) * 100)).padStart(3)}% ${label.padEnd(30)}`);
    drawn = true;
  };
  return {
    step(label: string): void {
      done = Math.min(total, done + 1);
      draw(label);
    },
    end(): void {
      if (drawn) stream.write('\r\u001b[2K');
      drawn = false;
    },
  };
}
