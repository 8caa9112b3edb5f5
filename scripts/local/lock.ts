// One `npm run local` at a time: a lock file holding the pid of the running one. A lock whose process is gone
// (killed with SIGKILL, machine rebooted) is stale and taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from '../../test/harness/tools.ts';
import { UserError } from './ui.ts';

export const lockFile = (): string => join(cacheDir(), 'local.pid');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws a UserError naming the running instance; the lock goes when this process exits. */
export function acquireLock(): void {
  const file = lockFile();
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${String(process.pid)}\n`, { flag: 'wx' });
      process.once('exit', () => {
        // Only our own lock: a stale-lock takeover by another run must not be undone.
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new UserError(
        `npm run local is already running (pid ${String(pid)}, lock ${file}); use that one, or stop it ` +
          `(Ctrl-C in its terminal, or kill ${String(pid)}) before starting another.`,
      );
    }
    rmSync(file, { force: true }); // stale
  }
  throw new UserError(`cannot take the lock ${file}; remove it if no npm run local is running.`);
}
