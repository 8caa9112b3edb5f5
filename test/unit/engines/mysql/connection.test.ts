// TLS modes and pool options: the pure mapping from ConnectionSettings to what mysql2 is given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedError, type ConnectionSettings } from '../../../../src/engines/engine.ts';
import { poolOptions } from '../../../../src/engines/mysql/pool.ts';
import { sslOptions } from '../../../../src/engines/mysql/tls.ts';

describe('sslOptions', () => {
  const pem = { ca: 'CA', cert: 'CERT', key: 'KEY' };
  const cases: [string, ConnectionSettings['tls'], unknown][] = [
    ['disable: plain TCP', { mode: 'disable', ...pem }, undefined],
    [
      'require: TLS without any check',
      { mode: 'require' },
      { rejectUnauthorized: false, verifyIdentity: false },
    ],
    [
      'require with a client certificate',
      { mode: 'require', cert: 'CERT', key: 'KEY' },
      { cert: 'CERT', key: 'KEY', rejectUnauthorized: false, verifyIdentity: false },
    ],
    [
      'verify-ca: chain only',
      { mode: 'verify-ca', ca: 'CA' },
      { ca: 'CA', rejectUnauthorized: true, verifyIdentity: false },
    ],
    [
      'verify-ca with the system store',
      { mode: 'verify-ca' },
      { rejectUnauthorized: true, verifyIdentity: false },
    ],
    [
      'verify-full: chain and host name, mutual TLS',
      { mode: 'verify-full', ...pem },
      { ca: 'CA', cert: 'CERT', key: 'KEY', rejectUnauthorized: true, verifyIdentity: true },
    ],
    [
      'verify-full with serverName equal to host',
      { mode: 'verify-full', serverName: 'db' },
      { rejectUnauthorized: true, verifyIdentity: true },
    ],
  ];
  for (const [name, tls, expected] of cases)
    it(name, () => {
      assert.deepEqual(sslOptions(tls, 'db'), expected);
    });

  it('refuses a certificate without its key, and a serverName mysql2 cannot check', () => {
    assert.throws(() => sslOptions({ mode: 'require', cert: 'CERT' }, 'db'), UnsupportedError);
    assert.throws(() => sslOptions({ mode: 'verify-full', serverName: 'other' }, 'db'), UnsupportedError);
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
    assert.deepEqual([o.host, o.port, o.user, o.password], ['db', 3307, 'admin', 'pw']);
  });

  it('passes the charset and TLS', () => {
    const o = poolOptions({ ...settings, charset: 'utf8mb4', tls: { mode: 'require' } });
    assert.equal(o.charset, 'utf8mb4');
    assert.deepEqual(o.ssl, { rejectUnauthorized: false, verifyIdentity: false });
  });
});
