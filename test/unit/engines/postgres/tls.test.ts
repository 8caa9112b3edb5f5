import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeerCertificate } from 'node:tls';
import type { ConnectionSettings } from '../../../../src/engines/engine.ts';
import { tlsOptions } from '../../../../src/engines/postgres/tls.ts';

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
    const o = tlsOptions(settings({ mode: 'verify-ca', ca: 'CA' }, 'other.host'));
    assert.ok(o !== false);
    assert.equal(o.rejectUnauthorized, true);
    assert.equal(o.ca, 'CA');
    assert.equal(o.checkServerIdentity?.('other.host', cert), undefined);
  });

  it('verify-ca without a CA uses the system store', () => {
    const o = tlsOptions(settings({ mode: 'verify-ca' }));
    assert.ok(o !== false && !('ca' in o));
  });

  it('verify-full: checks the host name', () => {
    const o = tlsOptions(settings({ mode: 'verify-full', ca: 'CA' }));
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
    const o = tlsOptions(settings({ mode: 'verify-full', ca: 'CA' }, '10.0.0.5'));
    assert.ok(o !== false);
    assert.equal('servername' in o, false);
    assert.equal(o.checkServerIdentity?.('10.0.0.5', ipCert), undefined);
    const other = tlsOptions(settings({ mode: 'verify-full', ca: 'CA' }, '10.0.0.6'));
    assert.ok(other !== false);
    assert.ok(other.checkServerIdentity?.('10.0.0.6', ipCert) instanceof Error);
  });
});
