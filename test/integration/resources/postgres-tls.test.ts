// TLS to a real PostgreSQL that serves a certificate for db.test (not for 127.0.0.1, where it listens):
// verify-full refuses the name unless serverName says db.test, verify-ca accepts the chain without the name,
// an untrusted CA is refused, and every session the provider opens (per-database ones too) is encrypted:
// the server accepts TCP logins over TLS only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createCertificateAuthority } from '../../harness/pki.ts';
import { startPostgres, type PostgresServer } from '../../harness/postgres.ts';
import { requireTool } from '../../harness/tools.ts';
import { startProvider, type Provider } from './support.ts';

let p: Provider;
let server: PostgresServer;
let pkiDir: string;
const applicationName = `dbops-tls-${String(process.pid)}`;
// Node's warnings in this process: an IP given as the TLS server name (SNI) prints DEP0123 to stderr, a
// non-JSON line in the provider's JSON log.
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name} ${(w as { code?: string }).code ?? ''} ${w.message}`));

before(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'dbops-tls-'));
  const ca = createCertificateAuthority(join(pkiDir, 'trusted'));
  const stranger = createCertificateAuthority(join(pkiDir, 'stranger'), 'some-other-ca');
  server = await startPostgres({
    tls: ca.issue('server', { commonName: 'db.test', usage: 'server', hosts: ['db.test'] }),
  });
  p = await startProvider('pgtls');
  await p.secret('admin', { username: server.admin.user, password: server.admin.password });
  await p.secret('ca', { 'ca.crt': readFileSync(ca.caCert, 'utf8') });
  await p.secret('other-ca', { 'ca.crt': readFileSync(stranger.caCert, 'utf8') });
});
after(async () => {
  await p.stop();
  await server.stop();
  rmSync(pkiDir, { recursive: true, force: true });
});

function instanceSpec(tls: Record<string, unknown>) {
  return {
    forProvider: {
      engine: 'postgres',
      connection: {
        host: server.admin.host,
        port: server.admin.port,
        credentialsSecretRef: { name: 'admin' },
        connectTimeoutSeconds: 3,
      },
      tls,
      postgres: { applicationName },
    },
  };
}

describe('TLS to PostgreSQL', () => {
  it('verify-full refuses a certificate for another name, and accepts it with serverName', async () => {
    await p.create(
      'DatabaseInstance',
      'full',
      instanceSpec({ mode: 'verify-full', caSecretRef: { name: 'ca', key: 'ca.crt' } }),
    );
    await p.condition('DatabaseInstance', 'full', 'Ready', 'False', /db\.test|altnames|does not match/i);
    assert.deepEqual(
      warnings.filter((w) => w.includes('DEP0123')),
      [],
      'verify-full on an IP host sends no IP as SNI',
    );
    await p.create(
      'DatabaseInstance',
      'full-named',
      instanceSpec({
        mode: 'verify-full',
        serverName: 'db.test',
        caSecretRef: { name: 'ca', key: 'ca.crt' },
      }),
    );
    await p.ready('DatabaseInstance', 'full-named');
  });

  it('verify-ca checks the chain only, and refuses a server signed by an untrusted CA', async () => {
    await p.create(
      'DatabaseInstance',
      'ca-only',
      instanceSpec({ mode: 'verify-ca', caSecretRef: { name: 'ca', key: 'ca.crt' } }),
    );
    await p.ready('DatabaseInstance', 'ca-only');
    await p.create(
      'DatabaseInstance',
      'untrusted',
      instanceSpec({ mode: 'verify-ca', caSecretRef: { name: 'other-ca', key: 'ca.crt' } }),
    );
    await p.condition('DatabaseInstance', 'untrusted', 'Ready', 'False', /certificate/i);
  });

  it('encrypts every session, including the per-database ones', async () => {
    await p.create('Database', 'secure', {
      forProvider: {
        instanceRef: { name: 'ca-only' },
        postgres: { extensions: [{ name: 'pgcrypto' }], schemas: [{ name: 'app' }] },
      },
    });
    await p.ready('Database', 'secure');
    const client = new pg.Client({
      ...server.admin,
      database: 'postgres',
      ssl: { rejectUnauthorized: false },
    });
    await client.connect();
    try {
      // Connections to the new database close a second after use; ask while the admin pool is still open.
      const { rows } = await client.query<{ ssl: boolean; datname: string }>(
        `SELECT s.ssl, a.datname FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
          WHERE a.application_name = $1`,
        [applicationName],
      );
      assert.ok(rows.length > 0, 'the provider has sessions open');
      assert.ok(
        rows.every((r) => r.ssl),
        JSON.stringify(rows),
      );
    } finally {
      await client.end();
    }
    // The extension needed a session inside the new database, which only TLS logins reach.
    const inDb = new pg.Client({ ...server.admin, database: 'secure', ssl: { rejectUnauthorized: false } });
    await inDb.connect();
    try {
      const { rows } = await inDb.query("SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto'");
      assert.equal(rows.length, 1);
    } finally {
      await inDb.end();
    }
    await p.delete('Database', 'secure');
    await p.gone('Database', 'secure');
  });

  it('publishes a connection Secret that psql verifies the server with, as strictly as the provider does', async () => {
    await p.create('DatabaseUser', 'app', {
      forProvider: { instanceRef: { name: 'ca-only' } },
      writeConnectionSecretToRef: { name: 'app-conn' },
    });
    await p.ready('DatabaseUser', 'app');
    const secret = await p.secretData('app-conn');
    assert.match(secret['uri'] ?? '', /\?sslmode=verify-ca$/);
    assert.equal(secret['ca.crt'], readFileSync(join(pkiDir, 'trusted', 'ca.crt'), 'utf8'));
    const root = join(pkiDir, 'from-secret.crt');
    writeFileSync(root, secret['ca.crt'] ?? '');
    const psql = requireTool('psql', 'postgresql-client');
    const run = (rootCert: string) =>
      spawnSync(
        psql,
        [
          (secret['uri'] ?? '').replace(/\/[^/?]*\?/, '/postgres?'),
          '-Atc',
          'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, PGSSLROOTCERT: rootCert },
        },
      );
    const verified = run(root);
    assert.equal(verified.stdout.trim(), 't', verified.stderr);
    const stranger = run(join(pkiDir, 'stranger', 'ca.crt'));
    assert.notEqual(stranger.status, 0, 'a client trusting another CA is refused, as the provider is');
    assert.match(stranger.stderr, /certificate verify failed/);
  });
});
