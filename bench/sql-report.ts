// The SQL benchmark's report (bench/sql.ts): what each contender measured, as tables and a chart.
import type { ReceivedSpan } from '../test/harness/otlp.ts';
import { median, printChart, printTable } from './report.ts';
import type { MachineUse, SessionStats } from './sql-measure.ts';
import { failures, kindTimeline, stepCosts } from './sql-trace.ts';

/** What one contender measured. */
export interface Result {
  name: string;
  seconds: number;
  cpuSeconds: number;
  rssMiB?: number;
  sessions: SessionStats;
  idle?: IdleCycle;
  /** Per kind, the seconds after the first create at which each object was first seen Ready, in order. */
  readyAt?: Map<string, number[]>;
  machine?: MachineUse;
  /** With BENCH_SQL_STATEMENTS=1: the statements the contender's login spent most server time on. */
  statements?: string[][];
  /** API write requests while racing, by verb and resource. */
  raceWrites?: Map<string, number>;
  /** When the first object was created, milliseconds since the epoch. */
  startedMs?: number;
}

export interface IdleCycle {
  apiReads: number;
  apiWrites: number;
  apiWritesByKind: string;
  objectsChanged: number;
  firstChange?: string;
  sqlReads: number;
  sqlWrites: number;
  notable: Map<string, number>;
}

/** One run's results and the settings they were measured with. */
export interface RunReport {
  n: number;
  poolSize: number;
  flags: { pollMs: number; maxReconcileRate: number };
  logDir: string;
  /** Direct floor, SQL + Kubernetes floor and provider-dbops of the last round, then provider-sql if run. */
  results: Result[];
  /** Per round: direct floor, SQL + Kubernetes floor, provider-dbops. */
  roundResults: Result[][];
  /** provider-dbops' reconcile spans, when traced. */
  spans?: ReceivedSpan[];
}

/** Every round's times and provider-dbops' ratios to that round's floors, with their medians. */
function reportRounds(run: RunReport): void {
  const { roundResults } = run;
  if (roundResults.length < 2) return;
  const rows = roundResults.map((ran) => ran.map((r) => r.seconds));
  const ratios = rows.map(([floor = 1, kubeFloor = 1, dbops = 0]) => [dbops / floor, dbops / kubeFloor]);
  process.stdout.write(`\n${String(roundResults.length)} rounds (order rotated each round)\n`);
  printTable(
    [
      'round',
      'direct SQL floor s',
      'SQL + Kubernetes floor s',
      'provider-dbops s',
      'vs SQL floor',
      'vs SQL+kube floor',
    ],
    [
      ...rows.map((row, i) => [
        String(i + 1),
        ...row.map((seconds) => seconds.toFixed(1)),
        ...(ratios[i] ?? []).map((ratio) => ratio.toFixed(2)),
      ]),
      [
        'median',
        ...[0, 1, 2].map((c) => median(rows.map((row) => row[c] ?? 0)).toFixed(1)),
        ...[0, 1].map((c) => median(ratios.map((ratio) => ratio[c] ?? 0)).toFixed(2)),
      ],
    ],
  );
}

/** Refusals, failed and written statements, and what an idle cycle changed, when there were any. */
function reportNotable(r: Result): void {
  const lines = [
    ...[...r.sessions.notable].map(([what, count]) => `  to Ready: ${what} ×${String(count)}`),
    ...[...(r.idle?.notable ?? [])].map(([what, count]) => `  idle: ${what} ×${String(count)}`),
    ...(r.idle?.firstChange === undefined ? [] : [`  idle, first object changed: ${r.idle.firstChange}`]),
  ];
  if (lines.length > 0) process.stdout.write(`\n${r.name}:\n${lines.slice(0, 12).join('\n')}\n`);
}

/** Prints every table of the SQL benchmark. */
export function reportSql(run: RunReport): void {
  const { n, poolSize, flags, logDir, results } = run;
  const [direct, kubeFloorResult] = results;
  const ratio = (seconds: number, floorResult: Result | undefined): string =>
    floorResult === undefined ? '-' : (seconds / floorResult.seconds).toFixed(2);
  process.stdout.write(
    `\nN = ${String(n)} databases + users + grants; pool ${String(poolSize)}; --poll=${String(flags.pollMs / 1000)}s ` +
      `--max-reconcile-rate=${String(flags.maxReconcileRate)}; API server without in-flight limits or APF\n`,
  );
  printTable(
    [
      'contender',
      's to all Ready',
      'vs SQL floor',
      'vs SQL+kube floor',
      'CPU s',
      'peak RSS MiB',
      'sessions opened',
      'peak sessions',
      'logins failed',
      'SQL errors',
      'idle: API writes / SQL writes',
    ],
    results.map((r) => [
      r.name,
      r.seconds.toFixed(1),
      ratio(r.seconds, direct),
      ratio(r.seconds, kubeFloorResult),
      r.cpuSeconds.toFixed(1),
      r.rssMiB === undefined ? '-' : r.rssMiB.toFixed(0),
      String(r.sessions.opened),
      String(r.sessions.peakConcurrent),
      String(r.sessions.refused),
      String(r.sessions.errors),
      r.idle === undefined ? '-' : `${String(r.idle.apiWrites)} / ${String(r.idle.sqlWrites)}`,
    ]),
  );
  process.stdout.write('\n');
  printTable(
    [
      'idle poll cycle',
      'API reads',
      'API writes',
      'objects changed',
      'SQL reads',
      'SQL writes',
      'API writes by kind',
    ],
    results.flatMap((r) =>
      r.idle === undefined
        ? []
        : [
            [
              r.name,
              String(r.idle.apiReads),
              String(r.idle.apiWrites),
              String(r.idle.objectsChanged),
              String(r.idle.sqlReads),
              String(r.idle.sqlWrites),
              r.idle.apiWritesByKind,
            ],
          ],
    ),
  );
  process.stdout.write('\n');
  printTable(
    ['machine while racing', 'busy %', 'CPU s by program (top 5)'],
    results.map((r) => [
      r.name,
      r.machine === undefined ? '-' : (r.machine.busy * 100).toFixed(0),
      [...(r.machine?.cpuByProgram ?? [])]
        .sort(([, a], [, b]) => b - a)
        .slice(0, 5)
        .map(([program, seconds]) => `${program} ${seconds.toFixed(1)}`)
        .join(', '),
    ]),
  );
  process.stdout.write('\n');
  printTable(
    [
      'API writes while racing',
      'per object',
      'by verb and resource (the user creating the objects included)',
    ],
    results.flatMap((r) =>
      r.raceWrites === undefined
        ? []
        : [
            [
              r.name,
              ([...r.raceWrites.values()].reduce((a, b) => a + b, 0) / (3 * n)).toFixed(2),
              [...r.raceWrites].map(([key, count]) => `${key}×${String(count)}`).join(' '),
            ],
          ],
    ),
  );
  process.stdout.write('\n');
  const shares = [0.1, 0.5, 0.9, 1];
  printTable(
    ['Ready over time', 'kind', ...shares.map((q) => `${String(q * 100)}% at s`)],
    results.flatMap((r) =>
      [...(r.readyAt ?? [])].map(([kind, times]) => [
        r.name,
        kind,
        ...shares.map((q) => times[Math.ceil(q * n) - 1]?.toFixed(1) ?? '-'),
      ]),
    ),
  );
  for (const r of results) reportNotable(r);
  process.stdout.write(
    '\nFloors run in the benchmark process (CPU is its own); providers run as their own processes (CPU from ' +
      '/proc/<pid>/stat from first create to all Ready, peak RSS = VmHWM).\n' +
      `Provider logs: ${logDir}\n\nseconds to all Ready\n`,
  );
  printChart(results.map((r) => ({ label: r.name, value: r.seconds })));
  reportRounds(run);
  for (const r of results.filter((result) => result.statements)) {
    process.stdout.write(`\n${r.name}: statements by server time until all Ready\n`);
    printTable(['calls', 'total ms', 'mean ms', 'statement'], r.statements ?? []);
  }
  reportTraces(run);
}

/** Where provider-dbops' reconciles spent the race, from their traces (BENCH_SQL_TRACE=1). */
function reportTraces({ results, spans: received }: RunReport): void {
  const traced = results.find((r) => r.name.startsWith('provider-dbops'));
  const startedMs = traced?.startedMs;
  if (received && traced && startedMs !== undefined) {
    // Only the race itself: the instance's set-up and the idle cycle are left out.
    const raceEnd = startedMs + traced.seconds * 1000;
    const spans = received.filter((s) => s.startMs >= startedMs && s.startMs <= raceEnd);
    process.stdout.write('\nprovider-dbops traced, until all Ready\n');
    printTable(
      ['kind', 'reconciles/object', 'first reconcile p50 s', 'last first reconcile s'],
      kindTimeline(spans, startedMs),
    );
    process.stdout.write('\n');
    printTable(['step', 'count', 'total s', 'p50 ms', 'p99 ms'], stepCosts(spans).slice(0, 30));
    process.stdout.write('\n');
    printTable(['failed step', 'count', 'message'], failures(spans).slice(0, 15));
  }
}
