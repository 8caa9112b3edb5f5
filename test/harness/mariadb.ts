import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './ports.ts';
import type { DatabaseLogin } from './postgres.ts';
import { startProcess, trackScratchDir, waitUntilReady, type ManagedProcess } from './processes.ts';
import { requireTool, serviceAccount } from './tools.ts';

/** A MariaDB server in a temp dir on a loopback port. `admin` holds what a provisioning account needs, not SUPER. */
export interface MariaDbServer {
  readonly admin: DatabaseLogin;
  readonly version: string;
  readonly dir: string;
  /** Stops the server but keeps its data, as an outage would. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export const mariadbAdminUser = 'dbops_admin';

// Everything a provisioning account grants to others or needs to manage sessions, with GRANT OPTION; no SUPER,
// SHUTDOWN or FILE.
const adminPrivileges = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'RELOAD',
  'PROCESS',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'SHOW DATABASES',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'CREATE USER',
  'EVENT',
  'TRIGGER',
  'CONNECTION ADMIN',
  'BINLOG MONITOR',
  'SET USER',
].join(', ');

export interface MariaDbOptions {
  /**
   * Serve TLS with this certificate and key, and accept client certificates signed by `ca` (PEM files), so
   * accounts can be made to REQUIRE SSL or REQUIRE X509. Plain TCP stays allowed for accounts that require
   * nothing. Without it the server has no TLS at all.
   */
  tls?: { cert: string; key: string; ca: string };
  /** Addresses to listen on (loopback ones, such as 127.0.0.2); 127.0.0.1 by default. */
  bindAddresses?: string[];
}

/** Copies the TLS files where the server account can read them; the server options that use them. */
function installTls(
  dir: string,
  tls: NonNullable<MariaDbOptions['tls']>,
  account: ReturnType<typeof serviceAccount>,
): string[] {
  const files = { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: join(dir, 'ca.crt') };
  copyFileSync(tls.cert, files.cert);
  copyFileSync(tls.key, files.key);
  copyFileSync(tls.ca, files.ca);
  for (const file of Object.values(files)) {
    chmodSync(file, 0o600);
    if (account) chownSync(file, account.uid, account.gid);
  }
  return [`--ssl-cert=${files.cert}`, `--ssl-key=${files.key}`, `--ssl-ca=${files.ca}`];
}

export async function startMariaDb(options: MariaDbOptions = {}): Promise<MariaDbServer> {
  const installDb = requireTool('mariadb-install-db', 'mariadb-server');
  const mariadbd = requireTool('mariadbd', 'mariadb-server', ['/usr/sbin']);
  const account = serviceAccount('mysql');
  const dir = mkdtempSync(join(tmpdir(), 'dbops-mariadb-'));
  const removeDir = trackScratchDir(dir);
  if (account) chownSync(dir, account.uid, account.gid);
  const data = join(dir, 'data');
  const socketPath = join(dir, 'mariadb.sock');
  const password = `pw-${crypto.randomUUID()}`;
  let proc: ManagedProcess | undefined;
  const stop = async (): Promise<void> => {
    await proc?.stop();
    removeDir();
  };
  try {
    // "normal" gives root@localhost no password (reachable only through this temp dir's socket), so the
    // bootstrap works whichever OS user runs the harness. Its temporary tables go to this dir: bootstraps
    // sharing /tmp at the same time collide ("Unknown table 'mysql.tmp_proxies_priv'").
    execFileSync(
      installDb,
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--tmpdir=${dir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { ...(account ?? {}), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const port = await freePort();
    const root = { socketPath, user: 'root' };
    const launch = async (): Promise<void> => {
      const started = startProcess({
        name: 'mariadbd',
        command: mariadbd,
        args: [
          '--no-defaults',
          `--datadir=${data}`,
          `--socket=${socketPath}`,
          `--port=${port}`,
          `--bind-address=${(options.bindAddresses ?? ['127.0.0.1']).join(',')}`,
          `--pid-file=${join(dir, 'mariadb.pid')}`,
          '--skip-name-resolve',
          '--skip-log-bin',
          '--innodb-buffer-pool-size=64M',
          '--innodb-flush-log-at-trx-commit=0',
          '--max-connections=300',
          ...(options.tls ? installTls(dir, options.tls, account) : []),
        ],
        logFile: join(dir, 'mariadb.log'),
        account,
      });
      proc = started;
      await waitUntilReady(
        started,
        async () => {
          const conn = await mysql.createConnection({ ...root, connectTimeout: 2000 });
          await conn.end();
          return true;
        },
        60_000,
      );
    };
    const halt = async (): Promise<void> => {
      await proc?.stop();
      proc = undefined;
    };
    await launch();
    const conn = await mysql.createConnection(root);
    try {
      await conn.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [mariadbAdminUser, password]);
      await conn.query(`GRANT ${adminPrivileges} ON *.* TO ?@'%' WITH GRANT OPTION`, [mariadbAdminUser]);
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
      const admin = { host: '127.0.0.1', port, user: mariadbAdminUser, password };
      return { admin, version: String(rows[0]?.['version']), dir, halt, resume: launch, stop };
    } finally {
      await conn.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
