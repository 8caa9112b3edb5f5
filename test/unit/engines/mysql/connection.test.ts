// TLS modes and pool options: the pure mapping from ConnectionSettings to what mysql2 is given, and which name
// the server certificate is checked against (mysql2 cannot be given a name of its own: see src/engines/mysql/tls.ts).
// What both engines share (the CA check on its own, tlsContext) is tested in test/unit/engines/tls.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedError, type ConnectionSettings } from '../../../../src/engines/engine.ts';
import { poolOptions } from '../../../../src/engines/mysql/pool.ts';
import { route, sslOptions, type Route } from '../../../../src/engines/mysql/tls.ts';
import { TlsSettingsError } from '../../../../src/engines/tls.ts';

type Tls = ConnectionSettings['tls'];
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('sslOptions', () => {
  const pem = { ca: CA, cert: 'CERT', key: 'KEY' };
  const cases: [string, Tls, unknown][] = [
    ['disable: plain TCP, whatever PEMs are given', { mode: 'disable', ...pem }, undefined],
    [
      'require: encrypted, nothing checked, so no CA is needed',
      { mode: 'require', ca: CA },
      { rejectUnauthorized: false, verifyIdentity: false },
    ],
    [
      'require with a client certificate: mutual TLS does not need verification',
      { mode: 'require', cert: 'CERT', key: 'KEY' },
      { cert: 'CERT', key: 'KEY', rejectUnauthorized: false, verifyIdentity: false },
    ],
    [
      'verify-ca: the chain against the CA Secret, not the name',
      { mode: 'verify-ca', ca: CA },
      { ca: CA, rejectUnauthorized: true, verifyIdentity: false },
    ],
    [
      'verify-ca without a CA: the chain against the system store',
      { mode: 'verify-ca' },
      { rejectUnauthorized: true, verifyIdentity: false },
    ],
    [
      'verify-full: chain and name (Node checks the name during the handshake), mutual TLS',
      { mode: 'verify-full', ...pem },
      { ca: CA, cert: 'CERT', key: 'KEY', rejectUnauthorized: true, verifyIdentity: true },
    ],
    [
      'verify-full with serverName: the name goes to the route, the options do not change',
      { mode: 'verify-full', serverName: 'other.test' },
      { rejectUnauthorized: true, verifyIdentity: true },
    ],
    [
      'a trusted-certificate PEM block is a certificate too',
      { mode: 'verify-ca', ca: '-----BEGIN TRUSTED CERTIFICATE-----\nx\n' },
      { ca: '-----BEGIN TRUSTED CERTIFICATE-----\nx\n', rejectUnauthorized: true, verifyIdentity: false },
    ],
  ];
  for (const [reason, tls, expected] of cases)
    it(reason, () => {
      assert.deepEqual(sslOptions(tls), expected);
    });

  const refused: [string, Tls, new (...args: never[]) => Error, RegExp][] = [
    [
      'a client certificate without its key',
      { mode: 'require', cert: 'CERT' },
      UnsupportedError,
      /both a client certificate and its private key/,
    ],
    ['a key without its certificate', { mode: 'verify-ca', key: 'KEY' }, UnsupportedError, /both/],
    [
      'a CA Secret without a PEM certificate: Node would skip it silently and trust nothing',
      { mode: 'verify-ca', ca: 'MIIBdummyDER' },
      TlsSettingsError,
      /the CA Secret \(tls\.caSecretRef\) holds no PEM certificate/,
    ],
    [
      'the same under verify-full',
      { mode: 'verify-full', ca: '-----BEGIN PRIVATE KEY-----\n' },
      TlsSettingsError,
      /holds no PEM certificate/,
    ],
  ];
  for (const [reason, tls, type, message] of refused)
    it(`refuses ${reason}`, () => {
      assert.throws(() => sslOptions(tls), type);
      assert.throws(() => sslOptions(tls), message);
    });
});

describe('route: the name the server certificate must carry, and who opens the socket', () => {
  const cases: [string, string, Tls, Route][] = [
    [
      'disable: mysql2 opens its own socket',
      'db.test',
      { mode: 'disable', serverName: 'x.test' },
      { driverHost: 'db.test' },
    ],
    ['require: no name is checked', '10.0.0.5', { mode: 'require' }, { driverHost: '10.0.0.5' }],
    [
      'verify-ca: no name is checked, serverName is for verify-full only',
      '10.0.0.5',
      { mode: 'verify-ca', serverName: 'db.test' },
      { driverHost: '10.0.0.5' },
    ],
    [
      'verify-full, DNS host: the host is the TLS server name and the name checked',
      'db.test',
      { mode: 'verify-full' },
      { driverHost: 'db.test', socket: { host: 'db.test', port: 3306 } },
    ],
    [
      'verify-full, IP host: never a TLS server name, so the IP is recorded on the socket for the check',
      '127.0.0.2',
      { mode: 'verify-full' },
      { driverHost: '127.0.0.2', socket: { host: '127.0.0.2', port: 3306, checkedName: '127.0.0.2' } },
    ],
    [
      'verify-full, IPv6 host: the same',
      '::1',
      { mode: 'verify-full' },
      { driverHost: '::1', socket: { host: '::1', port: 3306, checkedName: '::1' } },
    ],
    [
      'verify-full, IP host and a DNS serverName: serverName is checked (and sent as SNI), the IP is dialled',
      '127.0.0.1',
      { mode: 'verify-full', serverName: 'db.test' },
      { driverHost: 'db.test', socket: { host: '127.0.0.1', port: 3306 } },
    ],
    [
      'verify-full, DNS host and an IP serverName: the IP is checked, the DNS host is dialled',
      'db.test',
      { mode: 'verify-full', serverName: '10.1.2.3' },
      { driverHost: '10.1.2.3', socket: { host: 'db.test', port: 3306, checkedName: '10.1.2.3' } },
    ],
  ];
  for (const [reason, host, tls, expected] of cases)
    it(reason, () => {
      assert.deepEqual(route({ host, port: 3306, tls }), expected);
    });
});

describe('poolOptions', () => {
  const settings: ConnectionSettings = {
    engine: 'mariadb',
    host: 'db',
    port: 3307,
    user: 'admin',
    password: 'pw',
    tls: { mode: 'disable' },
    connectTimeoutMs: 7000,
    maxConnections: 3,
  };

  it('bounds the pool, sets the timeout and never allows multiple statements', () => {
    const o = poolOptions(settings);
    assert.equal(o.connectionLimit, 3);
    assert.equal(o.maxIdle, 3);
    assert.equal(o.connectTimeout, 7000);
    assert.equal(o.multipleStatements, false);
    assert.equal(o.ssl, undefined);
    assert.equal('charset' in o, false);
    assert.equal('stream' in o, false);
    assert.deepEqual([o.host, o.port, o.user, o.password], ['db', 3307, 'admin', 'pw']);
  });

  it('passes the charset and TLS', () => {
    const o = poolOptions({ ...settings, charset: 'utf8mb4', tls: { mode: 'require' } });
    assert.equal(o.charset, 'utf8mb4');
    assert.deepEqual(o.ssl, { rejectUnauthorized: false, verifyIdentity: false });
    assert.equal('stream' in o, false);
  });

  it('under verify-full, tells mysql2 the expected name and opens the socket to the host itself', () => {
    const o = poolOptions({
      ...settings,
      host: '127.0.0.1',
      tls: { mode: 'verify-full', serverName: 'db.test' },
    });
    assert.equal(o.host, 'db.test');
    assert.equal(o.port, 3307);
    assert.equal(typeof o.stream, 'function');
  });
});
