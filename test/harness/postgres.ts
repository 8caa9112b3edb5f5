import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  /** The bootstrap superuser over the server's Unix socket (trusted): for tests that must read pg_authid. */
  readonly superuser: pg.ClientConfig;
  /** What the server has written to its log (stderr) so far; lines may arrive a moment after the statement. */
  readLog(): string;
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

export interface PostgresOptions {
  /** Serve TLS with this certificate and key (PEM files); TCP logins then must use TLS. */
  tls?: { cert: string; key: string };
  /** More server settings, given as -c name=value (e.g. shared_preload_libraries for a benchmark). */
  settings?: Record<string, string>;
}

/** Copies the server certificate and key where the server account can read them (PostgreSQL wants 0600). */
function installTls(
  dir: string,
  tls: { cert: string; key: string },
  account: ReturnType<typeof serviceAccount>,
): string[] {
  const files = { cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
  copyFileSync(tls.cert, files.cert);
  copyFileSync(tls.key, files.key);
  for (const file of [files.cert, files.key]) {
    chmodSync(file, 0o600);
    if (account) chownSync(file, account.uid, account.gid);
  }
  return ['-c', 'ssl=on', '-c', `ssl_cert_file=${files.cert}`, '-c', `ssl_key_file=${files.key}`];
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
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
    const extraArgs = [
      ...(options.tls ? installTls(dir, options.tls, account) : []),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ];
    if (options.tls) {
      // Only the bootstrap superuser's socket login stays plain, so a plain TCP connection cannot pass unseen.
      writeFileSync(
        join(data, 'pg_hba.conf'),
        'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n',
      );
    }
    const port = await freePort();
    const superuser = { host: dir, port, user: 'postgres', database: 'postgres' };
    const launch = async (): Promise<void> => {
      proc = startPostgresProcess(postgres, { data, dir, port, account, extraArgs });
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
      const readLog = (): string => readFileSync(postgresLogFile(dir), 'utf8');
      const version = rows[0]?.server_version ?? 'unknown';
      return { admin, version, dir, superuser, readLog, halt, resume: launch, stop };
    } finally {
      await client.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

function postgresLogFile(dir: string): string {
  return join(dir, 'postgres.log');
}

function startPostgresProcess(
  postgres: string,
  at: {
    data: string;
    dir: string;
    port: number;
    account: ReturnType<typeof serviceAccount>;
    extraArgs: string[];
  },
): ManagedProcess {
  const { data, dir, port, account, extraArgs } = at;
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
      ...extraArgs,
    ],
    logFile: postgresLogFile(dir),
    account,
    stopSignal: 'SIGINT',
  });
}
