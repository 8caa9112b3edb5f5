// Driver errors become messages that explain the error number and carry no statement and no password.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeMysqlTlsFailure,
  MysqlEngineError,
  redact,
  toEngineError,
} from '../../../../src/engines/mysql/errors.ts';
import type { TlsContext } from '../../../../src/engines/tls.ts';

/** Shaped like a mysql2 error: the statement, password included, on `sql`. */
function driverError(errno: number, sqlMessage: string, sql: string) {
  return Object.assign(new Error(sqlMessage), { errno, code: 'ER_X', sqlMessage, sql, sqlState: 'HY000' });
}

describe('toEngineError', () => {
  const cases: [number, string, RegExp][] = [
    [1045, "Access denied for user 'a'@'b' (using password: YES)", /refused the admin login/],
    [1049, "Unknown database 'x'", /does not exist/],
    [1396, "Operation CREATE USER failed for 'u'@'%'", /already exists, or does not exist/],
    [1044, "Access denied for user 'a'@'%' to database 'x'", /may not do this on the database/],
    [1142, 'SELECT command denied', /lacks a privilege on the table/],
    [1141, 'There is no such grant defined', /no such grant/],
    [
      1227,
      'Access denied; you need (at least one of) the SUPER privilege(s)',
      /lacks a privilege this needs/,
    ],
  ];
  for (const [errno, text, explanation] of cases) {
    it(`explains ${errno}`, () => {
      const err = toEngineError(
        driverError(errno, text, "CREATE USER 'u'@'%' IDENTIFIED BY 's3cret'"),
        'doing it',
        ['s3cret'],
      );
      assert.ok(err instanceof MysqlEngineError);
      assert.equal(err.errno, errno);
      assert.match(err.message, /^doing it: /);
      assert.match(err.message, explanation);
      assert.ok(!JSON.stringify(err).includes('s3cret'));
      assert.ok(!('sql' in err));
    });
  }

  it('redacts a password the server echoes in a syntax error', () => {
    const text = "You have an error in your SQL syntax near 'IDENTIFIED BY 'hunter2' REQUIRE'";
    const err = toEngineError(driverError(1064, text, ''), 'creating', ['hunter2']);
    assert.ok(!err.message.includes('hunter2'), err.message);
  });

  it('keeps other messages and passes its own errors through', () => {
    const own = new MysqlEngineError('x', 1, 'Y');
    assert.equal(toEngineError(own, 'doing', []), own);
    assert.equal(toEngineError('boom', 'doing', []).message, 'doing: boom');
    assert.equal(
      toEngineError(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        'connecting',
        [],
      ).message,
      'connecting: connect ECONNREFUSED',
    );
  });
});

describe('redact', () => {
  const cases: [string, string][] = [
    ["IDENTIFIED BY 'a\\'b'", "IDENTIFIED BY '<redacted>'"],
    [
      "IDENTIFIED WITH caching_sha2_password BY 'pw'",
      "IDENTIFIED WITH caching_sha2_password BY '<redacted>'",
    ],
    ["USING PASSWORD('pw')", "USING PASSWORD( '<redacted>')"],
    ["IDENTIFIED VIA ed25519 USING 'hash'", "IDENTIFIED VIA ed25519 USING '<redacted>'"],
    ['plain text with secret inside', 'plain text with <redacted> inside'],
  ];
  for (const [input, output] of cases)
    it(input, () => {
      assert.equal(redact(input, ['secret']), output);
    });
});

// The shapes below are what mysql2 3.x on Node 20 rejects with against a real MariaDB (see
// test/integration/engines/mariadb-tls.test.ts): mysql2 overwrites the code of an error from the handshake
// with HANDSHAKE_SSL_ERROR, and keeps Node's and OpenSSL's other properties. The shapes Node and OpenSSL give
// unchanged, and what each failure is told as, are table-tested once for both engines in
// test/unit/engines/tls.test.ts; here, that mysql2's own shapes reach the same explanations.
const secretCa = 'the CA Secret (tls.caSecretRef)';
const systemStore = 'the system trust store (tls.caSecretRef is not set)';
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
function handshakeError(message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { code: 'HANDSHAKE_SSL_ERROR', fatal: true, ...extra });
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

describe('describeMysqlTlsFailure: mysql2 shapes', () => {
  const cases: [string, unknown, TlsContext, RegExp | undefined][] = [
    [
      'a host the certificate does not name: the host checked, where it comes from, the names it has',
      handshakeError(
        "Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1",
        altnames,
      ),
      context(),
      /^TLS verify-full to 127\.0\.0\.2: the server certificate does not name 127\.0\.0\.2 \(connection\.host\); it names localhost, 127\.0\.0\.1$/,
    ],
    [
      'a serverName the certificate does not name: serverName is what was checked',
      handshakeError(
        "Hostname/IP does not match certificate's altnames: Host: db.test. is not in the cert's altnames",
        {
          ...altnames,
          host: 'db.test',
        },
      ),
      context({ host: '127.0.0.1', expected: { name: 'db.test', from: 'tls.serverName' } }),
      /does not name db\.test \(tls\.serverName\); it names localhost, 127\.0\.0\.1$/,
    ],
    [
      'a certificate with a common name only',
      handshakeError(
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
      "a server signed by another CA than the CA Secret's",
      handshakeError('self-signed certificate in certificate chain'),
      context({ mode: 'verify-ca', host: '127.0.0.1' }),
      /^TLS verify-ca to 127\.0\.0\.1: the server certificate is not signed by a CA in the CA Secret \(tls\.caSecretRef\): self-signed certificate in certificate chain$/,
    ],
    [
      'a private CA with no CA Secret: the system store is what did not trust it',
      handshakeError('self-signed certificate in certificate chain'),
      context({ trust: systemStore }),
      /not signed by a CA in the system trust store \(tls\.caSecretRef is not set\)/,
    ],
    [
      'OpenSSL 1 spelling',
      handshakeError('self signed certificate'),
      context(),
      /not signed by a CA in the CA Secret/,
    ],
    [
      'a server that does not send its intermediate',
      handshakeError('unable to verify the first certificate'),
      context(),
      /not signed by a CA in the CA Secret/,
    ],
    [
      'an expired server certificate',
      handshakeError('certificate has expired'),
      context(),
      /: the server certificate has expired$/,
    ],
    [
      'a client certificate the server does not trust, during a TLS 1.2 handshake (code overwritten, reason kept)',
      handshakeError(unknownCaLine, { library: 'SSL routines', reason: 'tlsv1 alert unknown ca' }),
      context({ clientCertificate: true }),
      /refused the client certificate.*not signed by a CA the server trusts/,
    ],
    [
      'the same with the OpenSSL line only: the reason is read from it',
      handshakeError(unknownCaLine),
      context({ clientCertificate: true }),
      /refused the client certificate.*\(TLS alert: unknown ca\)$/,
    ],
    [
      'a server that requires a client certificate and got none',
      handshakeError('…:tlsv13 alert certificate required:…', {
        library: 'SSL routines',
        reason: 'tlsv13 alert certificate required',
      }),
      context(),
      /the server requires a client certificate: set tls\.clientCertificateSecretRef/,
    ],
    [
      'another alert: the server ended the handshake',
      handshakeError('…', { library: 'SSL routines', reason: 'sslv3 alert handshake failure' }),
      context(),
      /the server ended the TLS handshake \(TLS alert: handshake failure\)$/,
    ],
    [
      'a server without TLS',
      Object.assign(new Error('Server does not support secure connection'), {
        code: 'HANDSHAKE_NO_SSL_SUPPORT',
      }),
      context({ mode: 'require' }),
      /^TLS require to 127\.0\.0\.2: the server does not offer TLS/,
    ],
    [
      'a connection lost during the handshake',
      handshakeError('Client network socket disconnected before secure TLS connection was established'),
      context(),
      /the TLS handshake failed: Client network socket disconnected/,
    ],
    ['a server error is not about TLS', driverError(1045, 'Access denied', ''), context(), undefined],
    [
      'nothing is about TLS without TLS',
      handshakeError('self-signed certificate in certificate chain'),
      context({ mode: 'disable' }),
      undefined,
    ],
  ];
  for (const [reason, err, tls, expected] of cases)
    it(reason, () => {
      const got = describeMysqlTlsFailure(err, tls);
      if (expected === undefined) {
        assert.equal(got, undefined);
        return;
      }
      assert.ok(got !== undefined, 'not recognised as a TLS failure');
      assert.match(got, expected);
      assert.doesNotMatch(got, /error:[0-9A-F]{8}|\.c:\d+|deps\/openssl/);
    });
});

describe('toEngineError with the TLS context', () => {
  const password = "s3cret'pw";
  const denied = () => driverError(1045, "Access denied for user 'u'@'127.0.0.1' (using password: YES)", '');

  const hints: [string, TlsContext, RegExp][] = [
    [
      'disable: the account may require TLS',
      context({ mode: 'disable' }),
      /refused the admin login.*; the account may require TLS \(REQUIRE SSL or X509\): set tls\.mode$/,
    ],
    [
      'TLS without a client certificate: the account may require one',
      context({ mode: 'require' }),
      /; if the account requires a client certificate \(REQUIRE X509, SUBJECT or ISSUER\), set tls\.clientCertificateSecretRef$/,
    ],
    [
      'TLS with a client certificate: it may not be the one required',
      context({ clientCertificate: true }),
      /; if the account requires a certificate of a given SUBJECT or ISSUER, check the one in tls\.clientCertificateSecretRef$/,
    ],
  ];
  for (const [reason, tls, expected] of hints)
    it(`hints at TLS on a refused login: ${reason}`, () => {
      const err = toEngineError(denied(), 'connecting', [password], tls);
      assert.ok(err instanceof MysqlEngineError);
      assert.equal(err.errno, 1045);
      assert.match(err.message, expected);
    });

  it('gives no TLS hint without the context', () => {
    assert.doesNotMatch(toEngineError(denied(), 'connecting', []).message, /TLS/);
  });

  it('names what was being done, keeps the code, and never a secret', () => {
    const err = toEngineError(
      handshakeError(`self-signed certificate in certificate chain`),
      'connecting',
      [password],
      context({ host: `db-${password}` }),
    );
    assert.ok(err instanceof MysqlEngineError);
    assert.equal(err.code, 'HANDSHAKE_SSL_ERROR');
    assert.match(
      err.message,
      /^connecting: TLS verify-full to db-<redacted>: the server certificate is not signed/,
    );
    assert.ok(!JSON.stringify(err).includes(password));
  });

  it('explains MySQL refusing a plain connection under require_secure_transport', () => {
    const err = toEngineError(
      driverError(
        3159,
        'Connections using insecure transport are prohibited while --require_secure_transport=ON.',
        '',
      ),
      'connecting',
      [],
      context({ mode: 'disable' }),
    );
    assert.match(err.message, /accepts TLS connections only \(require_secure_transport\): set tls\.mode/);
  });
});
