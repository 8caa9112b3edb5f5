// The benchmarks' view of processes: CPU and memory of a running process from /proc, and the Go programs only
// the benchmarks run, built by scripts/build-bench-binaries.sh into the cache outside the checkout.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Clock ticks per second, the unit of /proc's CPU times. */
export const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after it are counted from the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Peak resident set size in MiB (VmHWM). */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return Number(kb) / 1024;
}

/** Runs scripts/build-bench-binaries.sh `command` (a no-op once built) and returns its answer's last line. */
export function benchBinaries(command: string, env: Record<string, string> = {}): string {
  const output = execFileSync('bash', [join(root, 'scripts', 'build-bench-binaries.sh'), command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return output.trim().split('\n').at(-1) ?? '';
}
