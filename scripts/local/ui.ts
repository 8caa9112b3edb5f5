// Progress and errors for `npm run local`: plain lines on stderr (no cursor tricks, so CI logs read the same),
// and an error type whose message is all the user sees.

/** A problem the user can fix; its message says how. Printed without a stack trace. */
export class UserError extends Error {}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Announces a step; the returned function reports it done with its duration. */
export function step(what: string): () => void {
  const started = Date.now();
  note(`▸ ${what} …`);
  return () => {
    note(`✓ ${what} (${seconds(Date.now() - started)})`);
  };
}

/** Runs a step. */
export async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const done = step(what);
  const result = await run();
  done();
  return result;
}

/** Left-aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export { seconds };
