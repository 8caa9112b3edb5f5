import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeerCertificate } from 'node:tls';
import type { ConnectionSettings } from '../../../../src/engines/engine.ts';
import { createPostgresEngine } from '../../../../src/engines/postgres/engine.ts';
import { tlsOptions } from '../../../../src/engines/postgres/tls.ts';
import { TlsSettingsError } from '../../../../src/engines/tls.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const cert = {
  subject: { CN: 'db.example.com' },
  subjectaltname: 'DNS:db.example.com',
} as unknown as PeerCertificate;
const settings = (tls: ConnectionSettings['tls'], host = 'db.example.com') => ({ host, tls });

describe('tlsOptions', () => {
  it('disable: no TLS', () => {
    assert.equal(tlsOptions(settings({ mode: 'disable', ca: 'CA' })), false);
  });

  it('require: TLS without verification, with a client certificate', () => {
    assert.deepEqual(tlsOptions(settings({ mode: 'require', cert: 'C', key: 'K', ca: 'ignored' })), {
      cert: 'C',
      key: 'K',
      rejectUnauthorized: false,
    });
  });

  it('verify-ca: verifies the chain against the CA, not the host name', () => {
    const o = tlsOptions(settings({ mode: 'verify-ca', ca: CA }, 'other.host'));
    assert.ok(o !== false);
    assert.equal(o.rejectUnauthorized, true);
    assert.equal(o.ca, CA);
    assert.equal(o.checkServerIdentity?.('other.host', cert), undefined);
  });

  it('verify-ca without a CA uses the system store', () => {
    const o = tlsOptions(settings({ mode: 'verify-ca' }));
    assert.ok(o !== false && !('ca' in o));
  });

  it('verify-full: checks the host name', () => {
    const o = tlsOptions(settings({ mode: 'verify-full', ca: CA }));
    assert.ok(o !== false);
    assert.equal(o.rejectUnauthorized, true);
    assert.equal(o.servername, 'db.example.com');
    assert.equal(o.checkServerIdentity?.('db.example.com', cert), undefined);
    const wrong = tlsOptions(settings({ mode: 'verify-full' }, 'evil.example.org'));
    assert.ok(wrong !== false);
    assert.ok(wrong.checkServerIdentity?.('evil.example.org', cert) instanceof Error);
  });

  it('verify-full: serverName replaces the host for the check, whatever pg passes as host', () => {
    const o = tlsOptions(settings({ mode: 'verify-full', serverName: 'db.example.com' }, '10.0.0.5'));
    assert.ok(o !== false);
    assert.equal(o.servername, 'db.example.com');
    assert.equal(o.checkServerIdentity?.('10.0.0.5', cert), undefined);
  });

  it('verify-full on an IP host: no SNI (Node refuses IPs there, DEP0123), and the IP is what is checked', () => {
    const ipCert = {
      subject: { CN: 'db' },
      subjectaltname: 'IP Address:10.0.0.5',
    } as unknown as PeerCertificate;
    const o = tlsOptions(settings({ mode: 'verify-full', ca: CA }, '10.0.0.5'));
    assert.ok(o !== false);
    assert.equal('servername' in o, false);
    assert.equal(o.checkServerIdentity?.('10.0.0.5', ipCert), undefined);
    const other = tlsOptions(settings({ mode: 'verify-full', ca: CA }, '10.0.0.6'));
    assert.ok(other !== false);
    assert.ok(other.checkServerIdentity?.('10.0.0.6', ipCert) instanceof Error);
  });

  const refused: [string, ConnectionSettings['tls']][] = [
    [
      'verify-ca with a CA Secret holding DER: Node would skip it silently and trust nothing',
      { mode: 'verify-ca', ca: 'MIIBdummyDER' },
    ],
    [
      'verify-full with a CA Secret holding a key',
      { mode: 'verify-full', ca: '-----BEGIN PRIVATE KEY-----\n' },
    ],
  ];
  for (const [reason, tls] of refused)
    it(`refuses ${reason}, naming the CA Secret`, () => {
      assert.throws(
        () => tlsOptions(settings(tls)),
        (err: unknown) =>
          err instanceof TlsSettingsError &&
          /^the CA Secret \(tls\.caSecretRef\) holds no PEM certificate/.test(err.message),
      );
    });

  it('require and disable trust nothing, so a CA Secret of any content is not refused', () => {
    assert.deepEqual(tlsOptions(settings({ mode: 'require', ca: 'not PEM' })), { rejectUnauthorized: false });
    assert.equal(tlsOptions(settings({ mode: 'disable', ca: 'not PEM' })), false);
  });
});

describe('createPostgresEngine with a CA Secret that is not PEM', () => {
  it('is refused up front, before any connection, as the MySQL engine does', () => {
    assert.throws(
      () =>
        createPostgresEngine({
          engine: 'postgres',
          host: '127.0.0.1',
          port: 1,
          user: 'admin',
          password: 'pw-not-in-the-message',
          tls: { mode: 'verify-full', ca: 'not a certificate' },
          connectTimeoutMs: 1000,
          maxConnections: 1,
        }),
      (err: unknown) =>
        err instanceof TlsSettingsError &&
        /the CA Secret \(tls\.caSecretRef\) holds no PEM certificate/.test(err.message) &&
        !err.message.includes('pw-not-in-the-message') &&
        !err.message.includes('not a certificate'),
    );
  });
});
