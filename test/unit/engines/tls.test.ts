// What both engines share about TLS (src/engines/tls.ts): the CA bundle check, what an error message may tell
// about a connection's TLS, and what failed in a handshake, in the words of the spec. The shapes are Node's and
// OpenSSL's as node-pg hands them through unchanged (see test/integration/resources/postgres-tls.test.ts); the
// shapes mysql2 gives are in test/unit/engines/mysql/errors.test.ts, pg's own in postgres/errors.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionSettings } from '../../../src/engines/engine.ts';
import {
  caSource,
  describeTlsFailure,
  expectedName,
  tlsContext,
  TlsSettingsError,
  trustedCa,
  withoutOpensslDetail,
  type DriverTlsShape,
  type TlsContext,
} from '../../../src/engines/tls.ts';

type Tls = ConnectionSettings['tls'];
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const secretCa = 'the CA Secret (tls.caSecretRef)';
const systemStore = 'the system trust store (tls.caSecretRef is not set)';

describe('trustedCa: the CA Secret must hold a PEM certificate', () => {
  const accepted: [string, Pick<Tls, 'ca'>, string | undefined][] = [
    ['no CA Secret: the system store', {}, undefined],
    ['a PEM certificate', { ca: CA }, CA],
    [
      'a trusted-certificate PEM block is a certificate too',
      { ca: '-----BEGIN TRUSTED CERTIFICATE-----\nx\n' },
      '-----BEGIN TRUSTED CERTIFICATE-----\nx\n',
    ],
    [
      'an X509 CERTIFICATE block, as old tools write it',
      { ca: '-----BEGIN X509 CERTIFICATE-----\nx\n' },
      '-----BEGIN X509 CERTIFICATE-----\nx\n',
    ],
    [
      'a bundle with text around the certificates',
      { ca: `subject=CN=ca\n${CA}${CA}` },
      `subject=CN=ca\n${CA}${CA}`,
    ],
  ];
  for (const [reason, tls, expected] of accepted)
    it(`accepts ${reason}`, () => {
      assert.equal(trustedCa(tls), expected);
    });

  const refused: [string, string][] = [
    ['DER (base64) instead of PEM: Node would skip it silently and trust nothing', 'MIIBdummyDER'],
    ['a private key', '-----BEGIN PRIVATE KEY-----\n'],
    ['a typo in the header', '-----BEGIN CERTIFICAT-----\n'],
    ['an empty key of the Secret', ''],
  ];
  for (const [reason, ca] of refused)
    it(`refuses ${reason}, naming the CA Secret`, () => {
      assert.throws(
        () => trustedCa({ ca }),
        (err: unknown) =>
          err instanceof TlsSettingsError &&
          err.message ===
            'the CA Secret (tls.caSecretRef) holds no PEM certificate (-----BEGIN CERTIFICATE-----), so no CA could be trusted',
      );
    });

  it('never puts the Secret contents in the message', () => {
    assert.throws(
      () => trustedCa({ ca: 'secret-looking-bytes' }),
      (err: unknown) => err instanceof Error && !err.message.includes('secret-looking-bytes'),
    );
  });

  it('caSource names where the CAs come from', () => {
    assert.equal(caSource({ ca: CA }), secretCa);
    assert.equal(caSource({}), systemStore);
  });
});

describe('expectedName: the name verify-full checks', () => {
  const cases: [string, string, Pick<Tls, 'mode' | 'serverName'>, string | undefined][] = [
    ['verify-full: the host', '10.0.0.5', { mode: 'verify-full' }, '10.0.0.5'],
    [
      'verify-full: serverName over the host',
      '10.0.0.5',
      { mode: 'verify-full', serverName: 'db.test' },
      'db.test',
    ],
    ['verify-ca: no name is checked', 'db.test', { mode: 'verify-ca', serverName: 'db.test' }, undefined],
    ['require: no name is checked', 'db.test', { mode: 'require' }, undefined],
    ['disable: nothing is checked', 'db.test', { mode: 'disable' }, undefined],
  ];
  for (const [reason, host, tls, expected] of cases)
    it(reason, () => {
      assert.equal(expectedName(tls, host), expected);
    });
});

describe('tlsContext: what error messages may say', () => {
  const cases: [string, string, Tls, TlsContext][] = [
    [
      'disable: nothing checked',
      'db',
      { mode: 'disable' },
      {
        mode: 'disable',
        host: 'db',
        trust: systemStore,
        clientCertificate: false,
      },
    ],
    [
      'verify-full on the host, CA from the Secret, with a client certificate (never its contents)',
      '127.0.0.1',
      { mode: 'verify-full', ca: CA, cert: 'CERT', key: 'KEY' },
      {
        mode: 'verify-full',
        host: '127.0.0.1',
        expected: { name: '127.0.0.1', from: 'connection.host' },
        trust: secretCa,
        clientCertificate: true,
      },
    ],
    [
      'verify-full on serverName',
      '127.0.0.1',
      { mode: 'verify-full', serverName: 'db.test' },
      {
        mode: 'verify-full',
        host: '127.0.0.1',
        expected: { name: 'db.test', from: 'tls.serverName' },
        trust: systemStore,
        clientCertificate: false,
      },
    ],
    [
      'verify-ca: the chain only, serverName is for verify-full',
      'db.test',
      { mode: 'verify-ca', ca: CA, serverName: 'other.test' },
      { mode: 'verify-ca', host: 'db.test', trust: secretCa, clientCertificate: false },
    ],
  ];
  for (const [reason, host, tls, expected] of cases)
    it(reason, () => {
      assert.deepEqual(tlsContext(host, tls), expected);
    });
});

function context(overrides: Partial<TlsContext> = {}): TlsContext {
  return {
    mode: 'verify-full',
    host: '127.0.0.2',
    expected: { name: '127.0.0.2', from: 'connection.host' },
    trust: secretCa,
    clientCertificate: false,
    ...overrides,
  };
}
/** A failed chain verification as Node reports it: OpenSSL's X509 text, and Node's code for it. */
function verifyError(message: string, code: string) {
  return Object.assign(new Error(message), { code });
}
/** An error from OpenSSL as Node reports it: the OpenSSL line as the message, its library and reason. */
function opensslError(message: string, code: string, library: string, reason: string) {
  return Object.assign(new Error(message), { code, library, reason });
}
/** Node's tls.checkServerIdentity error. */
function altnamesError(message: string, extra: Record<string, unknown>) {
  return Object.assign(new Error(message), { code: 'ERR_TLS_CERT_ALTNAME_INVALID', ...extra });
}
const unknownCaLine =
  '802C8241347F0000:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:' +
  '../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 48\n';
const altnames = {
  reason: "IP: 127.0.0.2 is not in the cert's list: 127.0.0.1",
  host: '127.0.0.2',
  cert: {
    subjectaltname: 'DNS:localhost, IP Address:127.0.0.1',
    subject: { CN: 'db' },
    raw: Buffer.from('x'),
  },
};
/** A driver that tells its own shapes by its own codes, as mysql2 and pg do (each in its errors.ts). */
const driver: DriverTlsShape = (err) => {
  const code = (err as { code?: unknown }).code;
  if (code === 'DRIVER_NO_TLS') return 'no-tls';
  return code === 'DRIVER_HANDSHAKE' ? 'handshake' : undefined;
};

describe('describeTlsFailure', () => {
  const cases: [string, unknown, TlsContext, RegExp | undefined, DriverTlsShape?][] = [
    [
      'a host the certificate does not name: the host checked, where it comes from, the names it has',
      altnamesError(
        "Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1",
        altnames,
      ),
      context(),
      /^TLS verify-full to 127\.0\.0\.2: the server certificate does not name 127\.0\.0\.2 \(connection\.host\); it names localhost, 127\.0\.0\.1$/,
    ],
    [
      'a serverName the certificate does not name: serverName is what was checked',
      altnamesError(
        "Hostname/IP does not match certificate's altnames: Host: db.test. is not in the cert's altnames",
        { ...altnames, host: 'db.test' },
      ),
      context({ host: '127.0.0.1', expected: { name: 'db.test', from: 'tls.serverName' } }),
      /does not name db\.test \(tls\.serverName\); it names localhost, 127\.0\.0\.1$/,
    ],
    [
      'a certificate with a common name only',
      altnamesError(
        "Hostname/IP does not match certificate's altnames: Host: db.test. is not cert's CN: db",
        {
          reason: "Host: db.test. is not cert's CN: db",
          host: 'db.test',
          cert: { subject: { CN: 'db' } },
        },
      ),
      context({ host: 'db.test', expected: { name: 'db.test', from: 'connection.host' } }),
      /does not name db\.test \(connection\.host\); it names CN=db \(no subjectAltName\)$/,
    ],
    [
      "a mismatch without the certificate: Node's reason stands in for the names",
      altnamesError("Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in", {
        reason: "IP: 127.0.0.2 is not in the cert's list: 127.0.0.1",
      }),
      context(),
      /does not name 127\.0\.0\.2 \(connection\.host\); IP: 127\.0\.0\.2 is not in the cert's list: 127\.0\.0\.1$/,
    ],
    [
      'a mismatch whose code a driver replaced: the message tells it',
      Object.assign(
        new Error(
          "Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list",
        ),
        { code: 'DRIVER_HANDSHAKE', ...altnames },
      ),
      context(),
      /does not name 127\.0\.0\.2 \(connection\.host\); it names localhost, 127\.0\.0\.1$/,
    ],
    [
      "a server signed by another CA than the CA Secret's",
      verifyError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'),
      context({ mode: 'verify-ca', host: '127.0.0.1' }),
      /^TLS verify-ca to 127\.0\.0\.1: the server certificate is not signed by a CA in the CA Secret \(tls\.caSecretRef\): self-signed certificate in certificate chain$/,
    ],
    [
      'a private CA with no CA Secret: the system store is what did not trust it',
      verifyError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'),
      context({ trust: systemStore }),
      /not signed by a CA in the system trust store \(tls\.caSecretRef is not set\)/,
    ],
    [
      'OpenSSL 1 spelling',
      verifyError('self signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
      context(),
      /not signed by a CA in the CA Secret/,
    ],
    [
      'a server that does not send its intermediate',
      verifyError('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      context(),
      /not signed by a CA in the CA Secret/,
    ],
    [
      'a CA Secret with the intermediate but not the root',
      verifyError('unable to get local issuer certificate', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'),
      context({ mode: 'verify-ca' }),
      /^TLS verify-ca to 127\.0\.0\.2: the server certificate is not signed by a CA in the CA Secret/,
    ],
    [
      'an expired server certificate',
      verifyError('certificate has expired', 'CERT_HAS_EXPIRED'),
      context(),
      /: the server certificate has expired$/,
    ],
    [
      'a server certificate not valid yet',
      verifyError('certificate is not yet valid', 'CERT_NOT_YET_VALID'),
      context({ mode: 'verify-ca' }),
      /^TLS verify-ca to 127\.0\.0\.2: the server certificate is not valid yet$/,
    ],
    [
      'another verification error: OpenSSL text kept, it has no line or path',
      verifyError('unsuitable certificate purpose', 'INVALID_PURPOSE'),
      context(),
      /: the TLS handshake failed: unsuitable certificate purpose$/,
    ],
    [
      'a verification error whose code a driver replaced: the message tells it',
      Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'DRIVER_HANDSHAKE' }),
      context({ mode: 'verify-ca' }),
      /^TLS verify-ca to 127\.0\.0\.2: the server certificate is not signed by a CA in the CA Secret/,
      driver,
    ],
    [
      'a client certificate the server does not trust (TLS 1.3: the alert comes after the handshake, code kept)',
      opensslError(unknownCaLine, 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'SSL routines', 'tlsv1 alert unknown ca'),
      context({ clientCertificate: true }),
      /the server refused the client certificate from tls\.clientCertificateSecretRef: it is not signed by a CA the server trusts \(TLS alert: unknown ca\)$/,
    ],
    [
      'the same during a TLS 1.2 handshake (code replaced by a driver, reason kept)',
      opensslError(unknownCaLine, 'DRIVER_HANDSHAKE', 'SSL routines', 'tlsv1 alert unknown ca'),
      context({ clientCertificate: true }),
      /refused the client certificate.*not signed by a CA the server trusts/,
      driver,
    ],
    [
      'the same with the OpenSSL line only: the reason is read from it',
      Object.assign(new Error(unknownCaLine), { code: 'DRIVER_HANDSHAKE' }),
      context({ clientCertificate: true }),
      /refused the client certificate.*\(TLS alert: unknown ca\)$/,
      driver,
    ],
    [
      'an expired client certificate',
      opensslError(
        '…:tlsv1 alert certificate expired:…',
        'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
        'SSL routines',
        'sslv3 alert certificate expired',
      ),
      context({ clientCertificate: true, mode: 'require' }),
      /^TLS require to 127\.0\.0\.2: the server refused the client certificate from tls\.clientCertificateSecretRef: it has expired \(TLS alert: certificate expired\)$/,
    ],
    [
      'a server that requires a client certificate and got none',
      opensslError(
        '…:tlsv13 alert certificate required:…',
        'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
        'SSL routines',
        'tlsv13 alert certificate required',
      ),
      context(),
      /the server requires a client certificate: set tls\.clientCertificateSecretRef/,
    ],
    [
      'another alert: the server ended the handshake',
      opensslError(
        '…',
        'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
        'SSL routines',
        'sslv3 alert handshake failure',
      ),
      context(),
      /the server ended the TLS handshake \(TLS alert: handshake failure\)$/,
    ],
    [
      'a client certificate alert without a client certificate: the server ended the handshake',
      opensslError(unknownCaLine, 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'SSL routines', 'tlsv1 alert unknown ca'),
      context({ clientCertificate: false }),
      /the server ended the TLS handshake \(TLS alert: unknown ca\)$/,
    ],
    [
      'a client certificate that is not PEM',
      opensslError(
        'error:0480006C:PEM routines::no start line',
        'ERR_OSSL_PEM_NO_START_LINE',
        'PEM routines',
        'no start line',
      ),
      context({ clientCertificate: true }),
      /the client certificate or key in tls\.clientCertificateSecretRef is not PEM$/,
    ],
    [
      "a key that is not the certificate's",
      opensslError(
        'error:05800074:x509 certificate routines::key values mismatch',
        'ERR_OSSL_X509_KEY_VALUES_MISMATCH',
        'x509 certificate routines',
        'key values mismatch',
      ),
      context({ clientCertificate: true }),
      /the private key in tls\.clientCertificateSecretRef does not belong to its certificate$/,
    ],
    [
      'an encrypted private key',
      opensslError(
        'error:1C800064:Provider routines::bad decrypt',
        'ERR_OSSL_BAD_DECRYPT',
        'Provider routines',
        'bad decrypt',
      ),
      context({ clientCertificate: true }),
      /the private key in tls\.clientCertificateSecretRef is encrypted$/,
    ],
    [
      'another OpenSSL error: its reason only',
      opensslError(
        'error:0A00018E:SSL routines::ca md too weak',
        'ERR_SSL_CA_MD_TOO_WEAK',
        'SSL routines',
        'ca md too weak',
      ),
      context(),
      /: TLS failed: ca md too weak$/,
    ],
    [
      'a server without TLS, as the driver tells it',
      Object.assign(new Error('the driver says: no TLS here'), { code: 'DRIVER_NO_TLS' }),
      context({ mode: 'require' }),
      /^TLS require to 127\.0\.0\.2: the server does not offer TLS: enable TLS on the server, or set tls\.mode: disable where the network is trusted$/,
      driver,
    ],
    [
      'a connection lost during the handshake',
      Object.assign(
        new Error('Client network socket disconnected before secure TLS connection was established'),
        { code: 'ECONNRESET', host: '127.0.0.2', port: 5432 },
      ),
      context(),
      /the TLS handshake failed: Client network socket disconnected/,
    ],
    [
      'a refused connection is not about TLS',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.2:3306'), { code: 'ECONNREFUSED' }),
      context(),
      undefined,
    ],
    [
      'a connection reset after the handshake is not about TLS',
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      context(),
      undefined,
    ],
    [
      'a server error is not about TLS',
      Object.assign(new Error('password authentication failed for user "admin"'), {
        code: '28P01',
        severity: 'FATAL',
      }),
      context(),
      undefined,
    ],
    [
      "a driver's own error that is not about TLS",
      Object.assign(new Error('Connection terminated unexpectedly'), {}),
      context(),
      undefined,
      driver,
    ],
    [
      'nothing is about TLS without TLS',
      verifyError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'),
      context({ mode: 'disable' }),
      undefined,
    ],
    ['not an error object', 'self-signed certificate in certificate chain', context(), undefined],
  ];
  for (const [reason, err, tls, expected, shape] of cases)
    it(reason, () => {
      const got = describeTlsFailure(err, tls, shape);
      if (expected === undefined) {
        assert.equal(got, undefined);
        return;
      }
      assert.ok(got !== undefined, 'not recognised as a TLS failure');
      assert.match(got, expected);
      assert.doesNotMatch(got, /error:[0-9A-F]{8}|\.c:\d+|deps\/openssl/);
    });
});

describe('withoutOpensslDetail', () => {
  const cases: [string, string, string][] = [
    [
      'an OpenSSL 3 line with thread, number, function, path and line',
      unknownCaLine,
      'tlsv1 alert unknown ca',
    ],
    ['an OpenSSL line without a function', 'error:0480006C:PEM routines::no start line', 'no start line'],
    [
      'a line inside a longer message',
      `connect failed: ${unknownCaLine}`,
      'connect failed: tlsv1 alert unknown ca',
    ],
    [
      'a message without OpenSSL lines, unchanged',
      'connect ECONNREFUSED 127.0.0.1:5432',
      'connect ECONNREFUSED 127.0.0.1:5432',
    ],
  ];
  for (const [reason, message, expected] of cases)
    it(reason, () => {
      assert.equal(withoutOpensslDetail(message), expected);
    });
});
