// Small helpers the benchmarks share: bounded parallel loops, quantiles and medians, plain-text tables and
// bar charts.

/** Runs `task(i)` for i in [0, n) with at most `width` in flight. */
export async function inBatches(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

/** The nearest-rank quantile (0 < q <= 1) of values sorted ascending; 0 when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** The median (the mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  process.stdout.write(
    `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`,
  );
}

/** A horizontal bar per value, scaled to the largest. */
export function printChart(bars: { label: string; value: number }[], width = 40): void {
  const max = Math.max(...bars.map((b) => b.value), 1e-9);
  const labelWidth = Math.max(...bars.map((b) => b.label.length));
  for (const bar of bars) {
    const length = Math.max(1, Math.round((bar.value / max) * width));
    process.stdout.write(`${bar.label.padEnd(labelWidth)}  ${'█'.repeat(length)} ${bar.value.toFixed(2)}\n`);
  }
}
