import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';
import { startProcess, trackScratchDir, waitUntilReady, type ManagedProcess } from './processes.ts';
import { requireTool, serviceAccount } from './tools.ts';

const serverBinDirs = ['/usr/lib/postgresql/15/bin'];

/** Login details for a database server the harness started. */
export interface DatabaseLogin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** A PostgreSQL server in a temp dir on a loopback port. `admin` has CREATEDB and CREATEROLE, not SUPERUSER. */
export interface PostgresServer {
  readonly admin: DatabaseLogin;
  readonly version: string;
  readonly dir: string;
  /** Stops the server but keeps its data, as an outage would. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export const postgresAdminUser = 'dbops_admin';

async function canQuery(login: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client({ ...login, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const initdb = requireTool('initdb', 'postgresql-15', serverBinDirs);
  const postgres = requireTool('postgres', 'postgresql-15', serverBinDirs);
  const account = serviceAccount('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'dbops-pg-'));
  const removeDir = trackScratchDir(dir);
  if (account) chownSync(dir, account.uid, account.gid);
  const data = join(dir, 'data');
  const password = `pw-${crypto.randomUUID()}`;
  let proc: ManagedProcess | undefined;
  const stop = async (): Promise<void> => {
    await proc?.stop();
    removeDir();
  };
  try {
    // Local (socket) logins are trusted for the bootstrap superuser; every TCP login must use a password.
    execFileSync(
      initdb,
      [
        '-D',
        data,
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ],
      { ...(account ?? {}), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const port = await freePort();
    const superuser = { host: dir, port, user: 'postgres', database: 'postgres' };
    const launch = async (): Promise<void> => {
      proc = startPostgresProcess(postgres, { data, dir, port, account });
      await waitUntilReady(proc, () => canQuery(superuser), 30_000);
    };
    await launch();
    const client = new pg.Client(superuser);
    await client.connect();
    try {
      await client.query(
        `CREATE ROLE ${postgresAdminUser} LOGIN CREATEDB CREATEROLE PASSWORD ${client.escapeLiteral(password)}`,
      );
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      const admin = { host: '127.0.0.1', port, user: postgresAdminUser, password };
      const halt = async (): Promise<void> => {
        await proc?.stop();
        proc = undefined;
      };
      return { admin, version: rows[0]?.server_version ?? 'unknown', dir, halt, resume: launch, stop };
    } finally {
      await client.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

function startPostgresProcess(
  postgres: string,
  at: { data: string; dir: string; port: number; account: ReturnType<typeof serviceAccount> },
): ManagedProcess {
  const { data, dir, port, account } = at;
  return startProcess({
    name: 'postgres',
    command: postgres,
    args: [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    logFile: join(dir, 'postgres.log'),
    account,
    stopSignal: 'SIGINT',
  });
}
