// TLS to a real PostgreSQL that serves a certificate for db.test (not for 127.0.0.1, where it listens):
// verify-full refuses the name unless serverName says db.test, verify-ca accepts the chain without the name,
// an untrusted CA is refused, and every session the provider opens (per-database ones too) is encrypted:
// the server accepts TCP logins over TLS only. The server trusts the test CA for client certificates. Every
// failure says what failed in the words of the spec (the mode, the host, the CA Secret or the system store,
// the names in the certificate), with no OpenSSL error line and no password in it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { ConnectionSettings } from '../../../src/engines/engine.ts';
import { createPostgresEngine } from '../../../src/engines/postgres/engine.ts';
import { TlsSettingsError } from '../../../src/engines/tls.ts';
import { createCertificateAuthority } from '../../harness/pki.ts';
import { startPostgres, type PostgresServer } from '../../harness/postgres.ts';
import { requireTool } from '../../harness/tools.ts';
import { startProvider, type Provider } from './support.ts';

let p: Provider;
let server: PostgresServer;
let pkiDir: string;
/** The CA for client certificates, where the server's account can read it. */
let clientCaDir: string;
const pem = { ca: '', strangerCa: '', cert: '', key: '', strangerCert: '', strangerKey: '' };
const applicationName = `dbops-tls-${String(process.pid)}`;
// Node's warnings in this process: an IP given as the TLS server name (SNI) prints DEP0123 to stderr, a
// non-JSON line in the provider's JSON log.
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name} ${(w as { code?: string }).code ?? ''} ${w.message}`));

before(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'dbops-tls-'));
  const ca = createCertificateAuthority(join(pkiDir, 'trusted'));
  const stranger = createCertificateAuthority(join(pkiDir, 'stranger'), 'some-other-ca');
  clientCaDir = mkdtempSync(join(tmpdir(), 'dbops-tls-client-ca-'));
  chmodSync(clientCaDir, 0o755);
  copyFileSync(ca.caCert, join(clientCaDir, 'ca.crt'));
  chmodSync(join(clientCaDir, 'ca.crt'), 0o644);
  server = await startPostgres({
    tls: ca.issue('server', { commonName: 'db.test', usage: 'server', hosts: ['db.test'] }),
    settings: { ssl_ca_file: join(clientCaDir, 'ca.crt') },
  });
  const client = ca.issue('client', { commonName: 'dbops-client', usage: 'client' });
  const strangerClient = stranger.issue('client', { commonName: 'dbops-client', usage: 'client' });
  const read = (file: string) => readFileSync(file, 'utf8');
  Object.assign(pem, {
    ca: read(ca.caCert),
    strangerCa: read(stranger.caCert),
    cert: read(client.cert),
    key: read(client.key),
    strangerCert: read(strangerClient.cert),
    strangerKey: read(strangerClient.key),
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
  rmSync(clientCaDir, { recursive: true, force: true });
});

/** OpenSSL's error lines ("…:error:0A000418:SSL routines:…"), build paths, PEM blocks. */
const rawTls = /error:[0-9A-F]{8}|\.c:\d+|deps\/openssl|BEGIN/;

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
    const full = await p.condition(
      'DatabaseInstance',
      'full',
      'Ready',
      'False',
      /TLS verify-full to 127\.0\.0\.1: the server certificate does not name 127\.0\.0\.1 \(connection\.host\); it names db\.test$/,
    );
    assert.doesNotMatch(JSON.stringify(full.status), rawTls);
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
    const untrusted = await p.condition(
      'DatabaseInstance',
      'untrusted',
      'Ready',
      'False',
      /TLS verify-ca to 127\.0\.0\.1: the server certificate is not signed by a CA in the CA Secret \(tls\.caSecretRef\): self-signed certificate in certificate chain$/,
    );
    assert.doesNotMatch(JSON.stringify(untrusted.status), rawTls);
  });

  it('refuses a CA Secret that holds no PEM certificate before connecting, naming the CA Secret', async () => {
    await p.secret('der-ca', {
      'ca.crt': 'MIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBmR1bW15',
    });
    await p.create(
      'DatabaseInstance',
      'not-pem',
      instanceSpec({ mode: 'verify-ca', caSecretRef: { name: 'der-ca', key: 'ca.crt' } }),
    );
    await p.condition(
      'DatabaseInstance',
      'not-pem',
      'Ready',
      'False',
      /the CA Secret \(tls\.caSecretRef\) holds no PEM certificate \(-----BEGIN CERTIFICATE-----\), so no CA could be trusted/,
    );
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

/** Settings for the TLS server, as the instance connector would build them. */
function settings(tls: ConnectionSettings['tls'], target = server.admin): ConnectionSettings {
  return {
    engine: 'postgres',
    ...target,
    database: 'postgres',
    tls,
    connectTimeoutMs: 3000,
    maxConnections: 1,
    applicationName,
  };
}

/** The error a fresh engine's ping fails with, checked for OpenSSL's lines and for every password. */
async function refused(s: ConnectionSettings, message: RegExp): Promise<Error> {
  const engine = createPostgresEngine(s);
  let got: Error | undefined;
  try {
    await engine.ping();
  } catch (err) {
    got = err as Error;
  } finally {
    await engine.close();
  }
  if (got === undefined) return assert.fail('expected a refusal, connected');
  assert.match(got.message, message);
  const text = `${got.message} ${JSON.stringify(got)}`;
  for (const secret of [s.password, server.admin.password, p.env.postgres.admin.password]) {
    assert.ok(!text.includes(secret), `a password is in: ${got.message}`);
  }
  assert.doesNotMatch(got.message, rawTls);
  return got;
}

const at = () => `connect to 127\\.0\\.0\\.1:${String(server.admin.port)}`;

describe('PostgreSQL TLS failures say what failed', () => {
  it('a CA Secret that did not sign the server: names the CA Secret, the mode and the host', async () => {
    await refused(
      settings({ mode: 'verify-ca', ca: pem.strangerCa }),
      new RegExp(
        `^${at()}: TLS verify-ca to 127\\.0\\.0\\.1: the server certificate is not signed by a CA in the CA Secret \\(tls\\.caSecretRef\\): self-signed certificate in certificate chain$`,
      ),
    );
  });

  it('no CA Secret: the system trust store does not know the private CA', async () => {
    await refused(
      settings({ mode: 'verify-full', serverName: 'db.test' }),
      /: TLS verify-full to 127\.0\.0\.1: the server certificate is not signed by a CA in the system trust store \(tls\.caSecretRef is not set\): self-signed certificate in certificate chain$/,
    );
  });

  it('a CA Secret that holds no PEM certificate is refused before connecting, naming it', () => {
    assert.throws(
      () => createPostgresEngine(settings({ mode: 'verify-full', ca: 'not a certificate' })),
      (err: unknown) =>
        err instanceof TlsSettingsError &&
        err.message ===
          'the CA Secret (tls.caSecretRef) holds no PEM certificate (-----BEGIN CERTIFICATE-----), so no CA could be trusted',
    );
  });

  it('verify-full on 127.0.0.1 against the db.test certificate names both', async () => {
    await refused(
      settings({ mode: 'verify-full', ca: pem.ca }),
      new RegExp(
        `^${at()}: TLS verify-full to 127\\.0\\.0\\.1: the server certificate does not name 127\\.0\\.0\\.1 \\(connection\\.host\\); it names db\\.test$`,
      ),
    );
  });

  it('a serverName the certificate does not name: says it came from tls.serverName', async () => {
    await refused(
      settings({ mode: 'verify-full', ca: pem.ca, serverName: 'other.test' }),
      /: TLS verify-full to 127\.0\.0\.1: the server certificate does not name other\.test \(tls\.serverName\); it names db\.test$/,
    );
  });

  it('a client certificate the server does not trust: says so, without the OpenSSL line', async () => {
    await refused(
      settings({
        mode: 'verify-full',
        ca: pem.ca,
        serverName: 'db.test',
        cert: pem.strangerCert,
        key: pem.strangerKey,
      }),
      /: TLS verify-full to 127\.0\.0\.1: the server refused the client certificate from tls\.clientCertificateSecretRef: it is not signed by a CA the server trusts \(TLS alert: unknown ca\)$/,
    );
  });

  it("a private key that is not the certificate's: says so", async () => {
    await refused(
      settings({ mode: 'require', cert: pem.cert, key: pem.strangerKey }),
      /: TLS require to 127\.0\.0\.1: the private key in tls\.clientCertificateSecretRef does not belong to its certificate$/,
    );
  });

  it('a client certificate from the trusted CA is accepted', async () => {
    const engine = createPostgresEngine(
      settings({ mode: 'verify-full', ca: pem.ca, serverName: 'db.test', cert: pem.cert, key: pem.key }),
    );
    try {
      assert.match((await engine.ping()).version, /^\d+/);
    } finally {
      await engine.close();
    }
  });

  it('require against a server without TLS says the server does not offer TLS', async () => {
    const plain = p.env.postgres.admin;
    await refused(
      settings({ mode: 'require' }, plain),
      new RegExp(
        `^connect to 127\\.0\\.0\\.1:${String(plain.port)}: TLS require to 127\\.0\\.0\\.1: the server does not offer TLS: enable TLS on the server, or set tls\\.mode: disable where the network is trusted$`,
      ),
    );
  });

  it('every operation explains a TLS failure, not only ping', async () => {
    const engine = createPostgresEngine(settings({ mode: 'verify-ca', ca: pem.strangerCa }));
    try {
      await assert.rejects(engine.readOwners('account', ['someone']), (err: Error) => {
        assert.match(
          err.message,
          /^read the ownership records of 1 roles: TLS verify-ca to 127\.0\.0\.1: the server certificate is not signed by a CA in the CA Secret \(tls\.caSecretRef\)/,
        );
        assert.doesNotMatch(err.message, rawTls);
        return true;
      });
    } finally {
      await engine.close();
    }
  });
});
