// TLS from the mysql engine to real MariaDB servers with certificates of their own. The main server's
// certificate names localhost and 127.0.0.1 and it listens on 127.0.0.1 and 127.0.0.2 (a loopback address on
// Linux), so verify-full must refuse 127.0.0.2 although the chain is good; a second server's certificate names
// only IP:127.0.0.1, which verify-full must accept for 127.0.0.1; a third has no TLS at all. Accounts that
// REQUIRE SSL and REQUIRE X509 prove from the server's side that a connection was encrypted, and carried a
// client certificate. Every failure must say what failed, in the words of the spec, with no password in it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConnectionSettings } from '../../../src/engines/engine.ts';
import { createMysqlEngine } from '../../../src/engines/mysql/engine.ts';
import { TlsSettingsError } from '../../../src/engines/tls.ts';
import { startMariaDb, type MariaDbServer } from '../../harness/mariadb.ts';
import { createCertificateAuthority } from '../../harness/pki.ts';
import type { DatabaseLogin } from '../../harness/postgres.ts';
import { asAdmin, mariadbSettings } from './mariadb-support.ts';

const pkiDir = mkdtempSync(join(tmpdir(), 'dbops-mariadb-tls-'));
const started: MariaDbServer[] = [];
/** Certificate for localhost and 127.0.0.1, on 127.0.0.1 and 127.0.0.2. */
let server: MariaDbServer;
/** Certificate for IP:127.0.0.1 only. */
let ipOnly: MariaDbServer;
/** No TLS. */
let plain: MariaDbServer;
const pem: Record<'ca' | 'strangerCa' | 'cert' | 'key' | 'strangerCert' | 'strangerKey', string> = {
  ca: '',
  strangerCa: '',
  cert: '',
  key: '',
  strangerCert: '',
  strangerKey: '',
};
const requireSsl = { user: 'tls_ssl', password: `pw-ssl-${crypto.randomUUID()}` };
const requireX509 = { user: 'tls_x509', password: `pw-x509-${crypto.randomUUID()}` };
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

before(async () => {
  process.on('warning', onWarning);
  const ca = createCertificateAuthority(join(pkiDir, 'trusted'));
  const stranger = createCertificateAuthority(join(pkiDir, 'stranger'), 'some-other-ca');
  const named = ca.issue('server', {
    commonName: 'dbops-mariadb',
    usage: 'server',
    hosts: ['localhost', '127.0.0.1'],
  });
  const ipNamed = ca.issue('ip-only', {
    commonName: 'dbops-mariadb-ip',
    usage: 'server',
    hosts: ['127.0.0.1'],
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
  const servers = await Promise.allSettled([
    startMariaDb({ tls: { ...named, ca: ca.caCert }, bindAddresses: ['127.0.0.1', '127.0.0.2'] }),
    startMariaDb({ tls: { ...ipNamed, ca: ca.caCert } }),
    startMariaDb(),
  ]);
  for (const s of servers) if (s.status === 'fulfilled') started.push(s.value);
  for (const s of servers) if (s.status === 'rejected') throw s.reason;
  [server, ipOnly, plain] = started as [MariaDbServer, MariaDbServer, MariaDbServer];
  await asAdmin(server.admin, async (conn) => {
    await conn.query(`CREATE USER ?@'%' IDENTIFIED BY ? REQUIRE SSL`, [requireSsl.user, requireSsl.password]);
    await conn.query(`CREATE USER ?@'%' IDENTIFIED BY ? REQUIRE X509`, [
      requireX509.user,
      requireX509.password,
    ]);
  });
});

after(async () => {
  process.off('warning', onWarning);
  await Promise.all(started.map((s) => s.stop()));
  rmSync(pkiDir, { recursive: true, force: true });
});

interface Login {
  user: string;
  password: string;
}

function settings(
  target: DatabaseLogin,
  tls: ConnectionSettings['tls'],
  login: Login = target,
  host = target.host,
): ConnectionSettings {
  return mariadbSettings(target, { ...login, host, tls, connectTimeoutMs: 3000, maxConnections: 1 });
}

/** Pings through a fresh engine: the server version, or the error it failed with. */
async function ping(s: ConnectionSettings): Promise<string | Error> {
  const engine = createMysqlEngine(s);
  try {
    return (await engine.ping()).version;
  } catch (err) {
    return err as Error;
  } finally {
    await engine.close();
  }
}

async function connects(s: ConnectionSettings): Promise<void> {
  const got = await ping(s);
  if (got instanceof Error) assert.fail(`expected a connection, got: ${got.message}`);
  assert.match(got, /MariaDB/);
}

/** The engine's error for these settings, checked for the message and for every password of the test. */
async function refused(s: ConnectionSettings, message: RegExp): Promise<Error> {
  const got = await ping(s);
  if (!(got instanceof Error)) return assert.fail(`expected a refusal, connected to ${got}`);
  assert.match(got.message, message);
  const text = `${got.message} ${JSON.stringify(got)}`;
  for (const secret of [s.password, server.admin.password, requireSsl.password, requireX509.password]) {
    assert.ok(!text.includes(secret), `a password is in: ${got.message}`);
  }
  assert.doesNotMatch(got.message, /error:[0-9A-F]{8}|\.c:\d+|deps\/openssl|BEGIN/);
  return got;
}

const trusted = () => ({ ca: pem.ca });

describe('MariaDB TLS: each mode against a TLS server', () => {
  it('disable: plain TCP for an account that requires nothing, refused with a hint where REQUIRE SSL', async () => {
    await connects(settings(server.admin, { mode: 'disable' }));
    await refused(
      settings(server.admin, { mode: 'disable' }, requireSsl),
      /^connecting: the server refused the admin login .*; the account may require TLS \(REQUIRE SSL or X509\): set tls\.mode$/,
    );
  });

  it('require: encrypted (a REQUIRE SSL account gets in) though the CA is not trusted', async () => {
    await connects(settings(server.admin, { mode: 'require' }, requireSsl));
  });

  it('verify-ca: the chain against the CA Secret, whatever name is dialled', async () => {
    await connects(settings(server.admin, { mode: 'verify-ca', ...trusted() }, requireSsl));
    await connects(settings(server.admin, { mode: 'verify-ca', ...trusted() }, requireSsl, '127.0.0.2'));
  });

  it('verify-full: the chain and the IP host the certificate names', async () => {
    await connects(settings(server.admin, { mode: 'verify-full', ...trusted() }, requireSsl, '127.0.0.1'));
  });

  it('require against a server without TLS says so', async () => {
    await refused(
      settings(plain.admin, { mode: 'require' }),
      /^connecting: TLS require to 127\.0\.0\.1: the server does not offer TLS/,
    );
  });
});

describe('MariaDB TLS: verify-full checks the name', () => {
  it('refuses 127.0.0.2 when the certificate names localhost and 127.0.0.1, naming both sides', async () => {
    const err = await refused(
      settings(server.admin, { mode: 'verify-full', ...trusted() }, server.admin, '127.0.0.2'),
      /^connecting: TLS verify-full to 127\.0\.0\.2: the server certificate does not name 127\.0\.0\.2 \(connection\.host\); it names localhost, 127\.0\.0\.1$/,
    );
    assert.equal((err as { errno?: unknown }).errno, undefined);
  });

  it('checks tls.serverName instead of the host: accepted when the certificate names it', async () => {
    await connects(
      settings(
        server.admin,
        { mode: 'verify-full', serverName: 'localhost', ...trusted() },
        requireSsl,
        '127.0.0.2',
      ),
    );
  });

  it('refuses a serverName the certificate does not name, saying it came from tls.serverName', async () => {
    await refused(
      settings(server.admin, { mode: 'verify-full', serverName: 'db.test', ...trusted() }),
      /the server certificate does not name db\.test \(tls\.serverName\); it names localhost, 127\.0\.0\.1$/,
    );
  });

  it('accepts a certificate naming only IP:127.0.0.1 for host 127.0.0.1', async () => {
    await connects(settings(ipOnly.admin, { mode: 'verify-full', ...trusted() }));
  });

  it('refuses that certificate for the name localhost, which it does not carry', async () => {
    await refused(
      settings(ipOnly.admin, { mode: 'verify-full', serverName: 'localhost', ...trusted() }),
      /the server certificate does not name localhost \(tls\.serverName\); it names 127\.0\.0\.1$/,
    );
  });

  it('never sets an IP as the TLS server name (no DEP0123 warning)', () => {
    // Node warns once per process, so any verify-full connection above to an IP would have left one here.
    assert.deepEqual(
      warnings.filter((w) => (w as { code?: unknown }).code === 'DEP0123').map((w) => w.message),
      [],
    );
  });
});

describe('MariaDB TLS: untrusted servers', () => {
  it('a CA Secret that did not sign the server: names the CA Secret and the mode', async () => {
    await refused(
      settings(server.admin, { mode: 'verify-ca', ca: pem.strangerCa }),
      /^connecting: TLS verify-ca to 127\.0\.0\.1: the server certificate is not signed by a CA in the CA Secret \(tls\.caSecretRef\): self-signed certificate in certificate chain$/,
    );
  });

  it('no CA Secret: the system trust store does not know the private CA', async () => {
    await refused(
      settings(server.admin, { mode: 'verify-full' }),
      /^connecting: TLS verify-full to 127\.0\.0\.1: the server certificate is not signed by a CA in the system trust store \(tls\.caSecretRef is not set\)/,
    );
  });

  it('a CA Secret that holds no PEM certificate is refused before connecting', () => {
    assert.throws(
      () => createMysqlEngine(settings(server.admin, { mode: 'verify-full', ca: 'not a certificate' })),
      (err: unknown) =>
        err instanceof TlsSettingsError &&
        /the CA Secret \(tls\.caSecretRef\) holds no PEM certificate/.test(err.message),
    );
  });
});

describe('MariaDB TLS: client certificates', () => {
  it('REQUIRE X509 without a client certificate: refused, with the hint to set one', async () => {
    await refused(
      settings(server.admin, { mode: 'verify-full', ...trusted() }, requireX509),
      /^connecting: the server refused the admin login .*; if the account requires a client certificate \(REQUIRE X509, SUBJECT or ISSUER\), set tls\.clientCertificateSecretRef$/,
    );
  });

  it("REQUIRE X509 with a client certificate from the server's CA: accepted in require and verify-full", async () => {
    await connects(settings(server.admin, { mode: 'require', cert: pem.cert, key: pem.key }, requireX509));
    await connects(
      settings(
        server.admin,
        { mode: 'verify-full', ...trusted(), cert: pem.cert, key: pem.key },
        requireX509,
      ),
    );
  });

  it('a client certificate the server does not trust: says so, without OpenSSL lines or build paths', async () => {
    await refused(
      settings(
        server.admin,
        { mode: 'verify-full', ...trusted(), cert: pem.strangerCert, key: pem.strangerKey },
        requireX509,
      ),
      /^connecting: TLS verify-full to 127\.0\.0\.1: the server refused the client certificate from tls\.clientCertificateSecretRef: it is not signed by a CA the server trusts \(TLS alert: unknown ca\)$/,
    );
  });

  it("a private key that is not the certificate's: says so", async () => {
    await refused(
      settings(server.admin, { mode: 'require', cert: pem.cert, key: pem.strangerKey }, requireX509),
      /the private key in tls\.clientCertificateSecretRef does not belong to its certificate$/,
    );
  });
});
