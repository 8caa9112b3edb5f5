import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { DatabaseError } from 'pg';
import { createPostgresEngine } from '../../../../src/engines/postgres/engine.ts';
import {
  describeError,
  describePostgresTlsFailure,
  explainConnectFailure,
  PostgresError,
  PostgresTlsError,
} from '../../../../src/engines/postgres/errors.ts';
import type { ConnectionSettings } from '../../../../src/engines/engine.ts';
import { tlsContext, type TlsContext } from '../../../../src/engines/tls.ts';

function serverError(code: string, message: string): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

describe('describeError', () => {
  const cases: Record<string, { code: string; message: string; want: RegExp }> = {
    'auth failure': {
      code: '28P01',
      message: 'password authentication failed for user "admin"',
      want: /^connect: authentication failed: check the credentials Secret .*SQLSTATE 28P01\)$/,
    },
    'unknown database': {
      code: '3D000',
      message: 'database "x" does not exist',
      want: /the database does not exist/,
    },
    'undefined object': {
      code: '42704',
      message: 'role "r" does not exist',
      want: /an object named in the spec does not exist/,
    },
    'insufficient privilege': {
      code: '42501',
      message: 'must be superuser to create superusers',
      want: /lacks the privilege .*must be superuser/,
    },
    'object in use': {
      code: '55006',
      message: 'database "x" is being accessed',
      want: /in use by other sessions/,
    },
    'unknown code keeps the server message': {
      code: 'XX999',
      message: 'odd',
      want: /^connect: odd, SQLSTATE XX999$/,
    },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      const err = describeError('connect', serverError(tc.code, tc.message));
      assert.ok(err instanceof PostgresError);
      assert.equal(err.code, tc.code);
      assert.match(err.message, tc.want);
    });
  }

  it('blanks the secret being set from the server message', () => {
    const err = describeError(
      'set password',
      serverError('42601', 'syntax error at or near "hunter2"'),
      'hunter2',
    );
    assert.doesNotMatch(err.message, /hunter2/);
  });

  it('keeps an already described error', () => {
    const inner = new PostgresError('x', '42501');
    assert.equal(describeError('outer', inner), inner);
  });
});

// What node-pg rejects a connect with when TLS fails, as seen against a real PostgreSQL 15 on Node 20 (see
// test/integration/resources/postgres-tls.test.ts): Node's and OpenSSL's errors unchanged, and pg's own error
// when the server answers the SSL request with "N". What every Node and OpenSSL shape is told as is
// table-tested for both engines in test/unit/engines/tls.test.ts.
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
/** The context the engine builds for host 127.0.0.1 with these TLS settings. */
function context(tls: ConnectionSettings['tls']): TlsContext {
  return tlsContext('127.0.0.1', tls);
}
const unknownCaLine =
  '80FC66C2477F0000:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:' +
  '../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 48\n';
const selfSigned = () =>
  Object.assign(new Error('self-signed certificate in certificate chain'), {
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
  });

describe('describePostgresTlsFailure: pg shapes', () => {
  const cases: [string, unknown, TlsContext, RegExp | undefined][] = [
    [
      'a server without TLS: pg\'s own error for the "N" answer to its SSL request',
      new Error('The server does not support SSL connections'),
      context({ mode: 'require' }),
      /^TLS require to 127\.0\.0\.1: the server does not offer TLS: enable TLS on the server, or set tls\.mode: disable where the network is trusted$/,
    ],
    [
      'a CA Secret that did not sign the server: the CA Secret, the mode and the host',
      selfSigned(),
      context({ mode: 'verify-ca', ca: CA }),
      /^TLS verify-ca to 127\.0\.0\.1: the server certificate is not signed by a CA in the CA Secret \(tls\.caSecretRef\): self-signed certificate in certificate chain$/,
    ],
    [
      'no CA Secret: the system trust store',
      selfSigned(),
      context({ mode: 'verify-full' }),
      /^TLS verify-full to 127\.0\.0\.1: the server certificate is not signed by a CA in the system trust store \(tls\.caSecretRef is not set\)/,
    ],
    [
      'verify-full on an IP the certificate does not carry: checkServerIdentity names what it checked and the names',
      Object.assign(
        new Error(
          "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ",
        ),
        {
          code: 'ERR_TLS_CERT_ALTNAME_INVALID',
          reason: "IP: 127.0.0.1 is not in the cert's list: ",
          host: '127.0.0.1',
          cert: { subject: { CN: 'db.test' }, subjectaltname: 'DNS:db.test' },
        },
      ),
      context({ mode: 'verify-full', ca: CA }),
      /^TLS verify-full to 127\.0\.0\.1: the server certificate does not name 127\.0\.0\.1 \(connection\.host\); it names db\.test$/,
    ],
    [
      'a client certificate the server does not trust (TLS 1.3 alert during the login)',
      Object.assign(new Error(unknownCaLine), {
        code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
        library: 'SSL routines',
        reason: 'tlsv1 alert unknown ca',
      }),
      context({ mode: 'require', cert: 'CERT', key: 'KEY' }),
      /^TLS require to 127\.0\.0\.1: the server refused the client certificate from tls\.clientCertificateSecretRef: it is not signed by a CA the server trusts \(TLS alert: unknown ca\)$/,
    ],
    [
      'a server that answers the SSL request with an error is not explained as TLS',
      new Error('There was an error establishing an SSL connection'),
      context({ mode: 'verify-full', ca: CA }),
      undefined,
    ],
    [
      'a lost connection is not about TLS',
      new Error('Connection terminated unexpectedly'),
      context({ mode: 'verify-full', ca: CA }),
      undefined,
    ],
    [
      'a server error is not about TLS',
      serverError('28P01', 'password authentication failed'),
      context({ mode: 'verify-full', ca: CA }),
      undefined,
    ],
    [
      "pg's no-TLS error means nothing without TLS",
      new Error('The server does not support SSL connections'),
      context({ mode: 'disable' }),
      undefined,
    ],
  ];
  for (const [reason, err, tls, expected] of cases)
    it(reason, () => {
      const got = describePostgresTlsFailure(err, tls);
      if (expected === undefined) {
        assert.equal(got, undefined);
        return;
      }
      assert.ok(got !== undefined, 'not recognised as a TLS failure');
      assert.match(got, expected);
      assert.doesNotMatch(got, /error:[0-9A-F]{8}|\.c:\d+|deps\/openssl/);
    });
});

describe('explainConnectFailure and describeError', () => {
  it('a TLS failure becomes a PostgresTlsError that keeps the code, and describeError names what was done', () => {
    const explained = explainConnectFailure(selfSigned(), context({ mode: 'verify-ca', ca: CA }));
    assert.ok(explained instanceof PostgresTlsError);
    assert.equal(explained.code, 'SELF_SIGNED_CERT_IN_CHAIN');
    const described = describeError('connect to 127.0.0.1:5432', explained);
    assert.ok(described instanceof PostgresError);
    assert.equal(
      described.message,
      'connect to 127.0.0.1:5432: TLS verify-ca to 127.0.0.1: the server certificate is not signed by a CA in the CA Secret (tls.caSecretRef): self-signed certificate in certificate chain',
    );
  });

  it('any other failure is passed on as it is', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    assert.equal(explainConnectFailure(refused, context({ mode: 'verify-full', ca: CA })), refused);
    const login = serverError('28P01', 'password authentication failed for user "admin"');
    assert.equal(explainConnectFailure(login, context({ mode: 'verify-full', ca: CA })), login);
  });

  it('describeError cuts an unexplained OpenSSL line down to its reason', () => {
    const err = Object.assign(new Error(unknownCaLine), { code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' });
    assert.equal(describeError('read role r', err).message, 'read role r: tlsv1 alert unknown ca');
  });
});

describe('createPostgresEngine against a server without TLS', () => {
  it('ping says the server does not offer TLS, with the mode and the host', async () => {
    // Answers every SSL request "N", as a PostgreSQL without ssl=on does.
    const server = createServer((socket) => {
      socket.once('data', () => socket.end('N'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const engine = createPostgresEngine({
      engine: 'postgres',
      host: '127.0.0.1',
      port,
      user: 'admin',
      password: 'pw-never-shown',
      tls: { mode: 'require' },
      connectTimeoutMs: 3000,
      maxConnections: 1,
    });
    try {
      await assert.rejects(engine.ping(), (err: unknown) => {
        assert.ok(err instanceof PostgresError);
        assert.equal(
          err.message,
          `connect to 127.0.0.1:${String(port)}: TLS require to 127.0.0.1: the server does not offer TLS: enable TLS on the server, or set tls.mode: disable where the network is trusted`,
        );
        assert.ok(!JSON.stringify(err).includes('pw-never-shown'));
        return true;
      });
    } finally {
      await engine.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
