// The servers `npm run local` runs: the harness's control plane and database servers (or the user's own
// database servers), the provider as the real `src/main.ts` process and the composition function.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startFunctionProcess } from '../../test/harness/function.ts';
import { httpGet } from '../../test/harness/https-probe.ts';
import { startControlPlane, type ControlPlane } from '../../test/harness/kube.ts';
import { startMariaDb } from '../../test/harness/mariadb.ts';
import { freePort } from '../../test/harness/ports.ts';
import { startPostgres } from '../../test/harness/postgres.ts';
import { startProcess, waitUntilReady } from '../../test/harness/processes.ts';
import type { Server } from './examples.ts';
import { timed, UserError } from './ui.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export type Stop = () => Promise<void>;

function loginOf(url: string, flag: string, defaultPort: number): Server['admin'] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${flag} wants a URL like ${flag.slice(2)}://user:password@host:port, not '${url}'`);
  }
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? defaultPort : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

/** A PostgreSQL server the user runs: checked once so a wrong URL fails here, in words. */
export async function existingPostgres(url: string): Promise<Server> {
  const admin = loginOf(url, '--postgres', 5432);
  const client = new pg.Client({ ...admin, database: 'postgres', connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new UserError(
      `cannot log in to --postgres ${admin.host}:${String(admin.port)}: ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return { engine: 'postgres', admin };
}

/** A MySQL or MariaDB server the user runs; which one it is decides the DatabaseInstance's engine. */
export async function existingMysql(url: string): Promise<Server> {
  const admin = loginOf(url, '--mysql', 3306);
  try {
    const connection = await mysql.createConnection({ ...admin, connectTimeout: 5000 });
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
      const version = String(rows[0]?.['v'] ?? '');
      return { engine: version.includes('MariaDB') ? 'mariadb' : 'mysql', admin };
    } finally {
      await connection.end();
    }
  } catch (err) {
    throw new UserError(
      `cannot log in to --mysql ${admin.host}:${String(admin.port)}: ${(err as Error).message}`,
    );
  }
}

export interface Started {
  plane: ControlPlane;
  postgres: Server;
  mysql: Server;
}

/**
 * Starts the control plane and whichever database servers the user did not bring, in parallel; registers each
 * one's stop in `stops` as soon as it runs, so a failure later still stops it.
 */
export async function startServers(
  given: { postgres?: string | undefined; mysql?: string | undefined },
  stops: Stop[],
): Promise<Started> {
  // The user's own servers first: a wrong URL fails before anything starts.
  const existing = {
    postgres: given.postgres === undefined ? undefined : await existingPostgres(given.postgres),
    mysql: given.mysql === undefined ? undefined : await existingMysql(given.mysql),
  };
  const [plane, postgres, mysqlServer] = await Promise.all([
    timed('starting etcd, kube-apiserver and kube-controller-manager', async () => {
      const started = await startControlPlane();
      stops.push(() => started.stop());
      return started;
    }),
    existing.postgres !== undefined
      ? existing.postgres
      : timed('starting PostgreSQL', async () => {
          const started = await startPostgres();
          stops.push(() => started.stop());
          return { engine: 'postgres' as const, admin: started.admin };
        }),
    existing.mysql !== undefined
      ? existing.mysql
      : timed('starting MariaDB', async () => {
          const started = await startMariaDb();
          stops.push(() => started.stop());
          return { engine: 'mariadb' as const, admin: started.admin };
        }),
  ]);
  return { plane, postgres, mysql: mysqlServer };
}

/** `node --import tsx src/main.ts` as users run it, with KUBECONFIG; resolves with its /metrics URL. */
export async function startProvider(kubeconfigPath: string, logDir: string, stops: Stop[]): Promise<string> {
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const proc = startProcess({
    name: 'provider',
    command: process.execPath,
    args: [
      '--import',
      'tsx',
      join(repo, 'src', 'main.ts'),
      `--metrics-bind-address=127.0.0.1:${String(metricsPort)}`,
      `--health-probe-bind-address=127.0.0.1:${String(healthPort)}`,
      '--poll=10s',
      '--log-format=text',
    ],
    env: { ...process.env, KUBECONFIG: kubeconfigPath },
    cwd: repo,
    logFile: join(logDir, 'provider.log'),
  });
  stops.push(() => proc.stop());
  const ready = async () => (await httpGet(`http://127.0.0.1:${String(healthPort)}/readyz`)).status === 200;
  await waitUntilReady(proc, ready, 60_000);
  return `http://127.0.0.1:${String(metricsPort)}/metrics`;
}

/** The composition function, plaintext gRPC on loopback (nothing but `crossplane render` calls it here). */
export async function startFunction(stops: Stop[]): Promise<{ address: string; logFile: string }> {
  const fn = await startFunctionProcess(['--insecure']);
  stops.push(() => fn.stop());
  return { address: fn.address, logFile: fn.process.logFile };
}
