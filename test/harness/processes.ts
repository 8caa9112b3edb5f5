import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server the harness started: its output goes to a log file that is printed when it fails to start. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Sends `signal`, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this unprivileged account (set when the harness runs as root). */
  account?: { uid: number; gid: number } | undefined;
  /** Signal that asks this server to shut down quickly (PostgreSQL: SIGINT is "fast", SIGTERM waits for clients). */
  stopSignal?: NodeJS.Signals;
  graceMs?: number;
}

const running = new Set<ChildProcess>();
const scratchDirs = new Set<string>();

/**
 * Removes a server's directory. A server that was just killed may still be writing into it (ENOTEMPTY while
 * the removal runs), so the removal is retried for a while.
 */
function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
}

/** A temp dir to remove if this process ends before the owner's own cleanup ran. */
export function trackScratchDir(dir: string): () => void {
  scratchDirs.add(dir);
  return () => {
    scratchDirs.delete(dir);
    removeDir(dir);
  };
}

function killAllSync(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of scratchDirs) {
    try {
      removeDir(dir);
    } catch {
      // Best effort on the way out: one dir that cannot go must not keep the others.
    }
  }
}
// Last line of defence: whatever ends this process, no server it started outlives it and no temp dir stays.
process.once('exit', killAllSync);
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const onSignal = (signal: NodeJS.Signals): void => {
  killAllSync();
  process.kill(process.pid, signal);
};
for (const signal of stopSignals) process.once(signal, onSignal);

/**
 * For a long-running script that stops its servers gracefully itself when signalled (scripts/local.ts): drops
 * the kill-everything-and-re-raise signal handlers above. The exit hook stays, so nothing outlives the process.
 */
export function handleStopSignalsYourself(): void {
  for (const signal of stopSignals) process.removeListener(signal, onSignal);
}

export function startProcess(options: StartOptions): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    ...(options.account ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    throw new Error(`cannot start ${options.name}: ${options.command} could not be executed`);
  }
  running.add(child);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  // A running server alone does not keep the harness's process alive: a test file that started its own
  // environment stops it once its tests are done (see useTestEnvironment); stop() holds the process again.
  const hold = (held: boolean): void => {
    // The output pipes are sockets, which can be unref'd; their declared type is only Readable.
    for (const handle of [child, child.stdout as Socket, child.stderr as Socket]) {
      if (held) handle.ref();
      else handle.unref();
    }
  };
  hold(false);
  const exited = new Promise<number | null>((resolve) => {
    // 'close' comes after the output pipes are drained, so nothing is written to the log after it ends.
    child.once('close', (code) => {
      running.delete(child);
      log.end();
      resolve(code);
    });
  });
  const stopSignal = options.stopSignal ?? 'SIGTERM';
  const graceMs = options.graceMs ?? 20_000;
  return {
    name: options.name,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      hold(true);
      child.kill(stopSignal);
      const result = await Promise.race([
        exited.then(() => 'exited' as const),
        sleep(graceMs, 'timeout' as const, { ref: false }),
      ]);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The last lines of a log file, for an error message. */
export function tailOf(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `probe` until it returns true. Fails fast when the process exits, and on timeout; either error carries
 * the tail of the process's log so the reason is visible without digging.
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${proc.name} exited (code ${String(exitCode)}) before it was ready; log ${proc.logFile}:\n${tailOf(proc.logFile)}`,
      );
    }
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(100);
  }
  await proc.stop();
  const cause = lastError instanceof Error ? ` (last probe error: ${lastError.message})` : '';
  throw new Error(
    `${proc.name} was not ready within ${timeoutMs} ms${cause}; log ${proc.logFile}:\n${tailOf(proc.logFile)}`,
  );
}
