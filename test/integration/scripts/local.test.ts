// `npm run local` as the README tells users to run it: from the table it prints, every example is Ready and
// Synced, a printed connection string logs in, a second run is refused while this one holds the lock, and
// SIGTERM stops everything (exit 0, no process left, no temp directory left).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { httpGet } from '../../harness/https-probe.ts';
import { eventually } from '../../harness/wait.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

/** Every process below `root`, with its command line. */
function descendants(root: number): { pid: number; cmd: string }[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      return m === null ? [] : [{ pid: Number(m[1]), ppid: Number(m[2]), cmd: m[3] ?? '' }];
    });
  const found: { pid: number; cmd: string }[] = [];
  const walk = (pid: number): void => {
    for (const p of table.filter((t) => t.ppid === pid)) {
      found.push(p);
      walk(p.pid);
    }
  };
  walk(root);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every row of the printed table says READY True, SYNCED True, and every kind of the examples is there. */
function checkTable(lines: string[], output: () => string): void {
  const header = lines.findIndex((l) => /^KIND\s+NAME\s+READY\s+SYNCED/.test(l));
  assert.ok(header >= 0, output());
  const rows = lines.slice(header + 1, lines.indexOf('', header)).map((l) => l.split(/\s+/));
  const kinds = new Set(rows.map((r) => r[0]));
  for (const kind of ['DatabaseInstance', 'Database', 'DatabaseUser', 'DatabaseRole', 'DatabaseGrant']) {
    assert.ok(kinds.has(kind), `no ${kind} row:\n${output()}`);
  }
  for (const row of rows) assert.deepEqual(row.slice(2, 4), ['True', 'True'], row.join(' '));
}

/** A printed connection string of a created user of each engine logs in as that user. */
async function checkLogins(lines: string[], output: () => string): Promise<void> {
  const uris = lines.flatMap((l) => /^\s+\S+\s+((?:postgresql|mysql):\/\/\S+)$/.exec(l)?.[1] ?? []);
  const pgUri = uris.find((u) => u.startsWith('postgresql://') && !u.includes('dbops_admin'));
  const myUri = uris.find((u) => u.startsWith('mysql://') && !u.includes('dbops_admin'));
  assert.ok(pgUri !== undefined && myUri !== undefined, output());
  const client = new pg.Client({ connectionString: pgUri });
  await client.connect();
  const { rows } = await client.query<{ u: string }>('SELECT current_user AS u');
  await client.end();
  assert.equal(rows[0]?.u, 'orders_app');
  // mysql2 takes the URI but not its ssl-mode parameter (the local server has no TLS anyway).
  const connection = await mysql.createConnection(myUri.replace(/\?.*$/, ''));
  const [mine] = await connection.query<mysql.RowDataPacket[]>('SELECT CURRENT_USER() AS u');
  await connection.end();
  assert.match(String(mine[0]?.['u']), /^wiki_app@/);
}

/** The printed /metrics URL serves the provider's metrics; returns the printed KUBECONFIG, which exists. */
async function checkKubeconfigAndMetrics(lines: string[], output: () => string): Promise<string> {
  const metrics = /^Metrics:\s+(\S+)$/.exec(lines.find((l) => l.startsWith('Metrics:')) ?? '')?.[1] ?? '';
  assert.match((await httpGet(metrics)).body, /dbops_/);
  const prefix = 'export KUBECONFIG=';
  const kubeconfig = lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
  assert.ok(kubeconfig !== undefined && existsSync(kubeconfig), output());
  return kubeconfig;
}

describe('npm run local', () => {
  it('brings every example to Ready, prints logins that work, and stops cleanly on SIGTERM', async () => {
    const child = spawn('npm', ['run', 'local'], {
      cwd: repo,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines: string[] = [];
    const errors: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    createInterface({ input: child.stderr }).on('line', (line) => errors.push(line));
    const output = () => [...errors, ...lines].join('\n');
    try {
      const table = eventually(
        'the table',
        () => lines.some((l) => l.startsWith('Ctrl-C stops everything')) || undefined,
        120_000,
      );
      table.catch(() => undefined); // when the child exits first, the race below reports that instead
      const first = await Promise.race([table, exited.then((code) => ({ code }))]).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${output()}`);
      });
      assert.equal(first, true, `exited before the table:\n${output()}`);

      checkTable(lines, output);
      await checkLogins(lines, output);
      const kubeconfig = await checkKubeconfigAndMetrics(lines, output);

      // A second run while this one holds the lock says so, without starting anything.
      const second = spawn(process.execPath, ['--import', 'tsx', 'scripts/local.ts'], {
        cwd: repo,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let secondErr = '';
      second.stderr.on('data', (chunk: Buffer) => (secondErr += chunk.toString()));
      const secondCode = await new Promise<number | null>((resolve) => second.once('exit', resolve));
      assert.equal(secondCode, 1);
      assert.match(secondErr, /already running \(pid \d+/);

      // SIGTERM: exit 0, every process it started gone, every temp directory removed.
      assert.equal(child.exitCode, null, 'still running');
      const started = descendants(child.pid ?? 0);
      assert.ok(
        started.some((p) => p.cmd.includes('kube-apiserver')),
        started.map((p) => p.cmd).join('\n'),
      );
      const dirs = new Set([dirname(kubeconfig)]);
      for (const p of started)
        for (const m of p.cmd.matchAll(/\/tmp\/dbops-[a-z]+-[A-Za-z0-9]{6}/g)) dirs.add(m[0]);
      const logs = /^Logs:\s+(\S+)$/.exec(lines.find((l) => l.startsWith('Logs:')) ?? '')?.[1];
      if (logs !== undefined) dirs.add(dirname(logs));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output());
      // tsx's esbuild service notices its parent's exit a moment later.
      await eventually(
        'every started process gone',
        () => started.every((p) => !alive(p.pid)) || undefined,
        5_000,
      ).catch(() => undefined);
      assert.deepEqual(
        started.filter((p) => alive(p.pid)),
        [],
        'processes left behind',
      );
      assert.deepEqual(
        [...dirs].filter((d) => existsSync(d)),
        [],
        'temp directories left behind',
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
