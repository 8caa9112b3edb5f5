import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { censor, isSecretKey, redactSecrets, redactValue } from '../../../src/log/redact.ts';

interface ScrubCase {
  reason: string;
  input: string;
  /** Substrings that must be gone. */
  secrets: string[];
  /** Substrings that must survive, so the message stays useful. */
  keep?: string[];
}

const scrubCases: ScrubCase[] = [
  // MySQL / MariaDB statements, as mysql2 puts them on err.sql and sometimes in err.message.
  {
    reason: 'MySQL IDENTIFIED BY with a doubled quote',
    input: "CREATE USER 'app'@'%' IDENTIFIED BY 'it''s-s3cret'",
    secrets: ["it''s-s3cret", 's3cret'],
    keep: ["CREATE USER 'app'@'%' IDENTIFIED BY"],
  },
  {
    reason: 'MySQL IDENTIFIED WITH plugin BY with a backslash-escaped quote and spaces',
    input: "ALTER USER 'app'@'10.%' IDENTIFIED WITH caching_sha2_password BY 'p\\'w d;x' REQUIRE SSL",
    secrets: ['p\\', 'w d;x'],
    keep: ['caching_sha2_password BY', 'REQUIRE SSL'],
  },
  {
    reason: 'MySQL IDENTIFIED BY PASSWORD hash and REPLACE of the current password',
    input:
      "ALTER USER 'a'@'%' IDENTIFIED BY PASSWORD '*94BDCEBE19083CE2A1F959FD02F964C7AF4CFC29' REPLACE 'old-pw'",
    secrets: ['94BDCEBE19083CE2A1F959FD02F964C7AF4CFC29', 'old-pw'],
  },
  {
    reason: 'MySQL IDENTIFIED WITH plugin AS hash',
    input:
      "CREATE USER 'a'@'%' IDENTIFIED WITH mysql_native_password AS '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
    secrets: ['2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'],
  },
  {
    reason: 'MariaDB IDENTIFIED VIA ed25519 USING PASSWORD()',
    input: "CREATE USER 'a'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('hunter2') OR unix_socket",
    secrets: ['hunter2'],
    keep: ['OR unix_socket'],
  },
  {
    reason: 'MariaDB IDENTIFIED VIA plugin USING hash',
    input: "CREATE USER a IDENTIFIED VIA mysql_native_password USING '*AAAABBBB'",
    secrets: ['AAAABBBB'],
  },
  {
    reason: 'SET PASSWORD FOR user = PASSWORD()',
    input: "SET PASSWORD FOR 'a'@'localhost' = PASSWORD('hunter2')",
    secrets: ['hunter2'],
  },
  { reason: 'SET PASSWORD = literal', input: "SET PASSWORD = 'hunter2'", secrets: ['hunter2'] },
  {
    reason: 'double-quoted MySQL literal',
    input: 'CREATE USER "a"@"%" IDENTIFIED BY "dq-secret"',
    secrets: ['dq-secret'],
  },
  {
    reason: 'a charset introducer on the literal',
    input: "CREATE USER a IDENTIFIED BY _utf8mb4'intro-secret'",
    secrets: ['intro-secret'],
  },
  {
    reason: 'lower-case keywords',
    input: "create user a identified by 'lower-secret'",
    secrets: ['lower-secret'],
  },
  {
    reason: 'a statement truncated inside the password literal',
    input: "ER_PARSE_ERROR: CREATE USER 'a'@'%' IDENTIFIED BY 'trunc-secr",
    secrets: ['trunc-secr'],
  },
  {
    reason: 'a MariaDB syntax error quoting the statement from BY onwards',
    input:
      "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'BY 'near-secret'' at line 1",
    secrets: ['near-secret'],
    keep: ['You have an error in your SQL syntax', 'at line 1'],
  },
  {
    reason: 'a syntax error fragment starting at the password itself',
    input:
      "You have an error in your SQL syntax; … to use near ''pw-start' WITH MAX_USER_CONNECTIONS 1' at line 1",
    secrets: ['pw-start'],
  },
  {
    reason: 'a syntax error fragment without literals stays',
    input: "You have an error in your SQL syntax; … to use near 'FROM dual' at line 1",
    secrets: [],
    keep: ["near 'FROM dual' at line 1"],
  },
  {
    reason: "MySQL's access-denied message keeps its useful parts",
    input: "Access denied for user 'bob'@'10.0.0.7' (using password: YES)",
    secrets: [],
    keep: ["Access denied for user 'bob'@'10.0.0.7' (using password: YES)"],
  },
  // PostgreSQL statements.
  {
    reason: 'PostgreSQL CREATE ROLE … PASSWORD',
    input: `CREATE ROLE "app" WITH LOGIN PASSWORD 'pg''secret' VALID UNTIL '2030-01-01'`,
    secrets: ["pg''secret", 'secret'],
    keep: ["VALID UNTIL '2030-01-01'"],
  },
  {
    reason: 'PostgreSQL ENCRYPTED PASSWORD with an E string',
    input: "ALTER ROLE app ENCRYPTED PASSWORD E'it\\'s'",
    secrets: ["it\\'s"],
  },
  {
    reason: 'PostgreSQL SCRAM verifier',
    input: "ALTER ROLE app PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy'",
    secrets: ['c2FsdA==', 'c3RvcmVk'],
  },
  {
    reason: 'PostgreSQL dollar-quoted password',
    input: "ALTER ROLE app PASSWORD $pw$dollar ' quoted$pw$ LOGIN",
    secrets: ['dollar', 'quoted'],
    keep: ['LOGIN'],
  },
  {
    reason: 'PostgreSQL user mapping options',
    input: "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'r', password 'fdw-secret')",
    secrets: ['fdw-secret'],
  },
  {
    reason: 'the password is not confused with a JSON key',
    input: '{"user":"a","password":"json-secret","port":5432}',
    secrets: ['json-secret'],
    keep: ['"port":5432'],
  },
  // Connection strings.
  {
    reason: 'a postgres URI',
    input: 'cannot connect to postgres://admin:uri-secret@db.example:5432/app?sslmode=require',
    secrets: ['uri-secret'],
    keep: ['postgres://admin:', '@db.example:5432/app?sslmode=require'],
  },
  {
    reason: 'a URI whose password holds raw @ and /',
    input: 'mysql://root:p@ss/w0rd@127.0.0.1:3306/x failed',
    secrets: ['p@ss', 'w0rd'],
    keep: ['@127.0.0.1:3306/x failed'],
  },
  {
    reason: 'a password in URI query parameters',
    input: 'postgresql://db/app?user=a&password=q-secret&sslpassword=key-secret&sslmode=verify-full',
    secrets: ['q-secret', 'key-secret'],
    keep: ['sslmode=verify-full'],
  },
  {
    reason: 'libpq conninfo with a quoted password',
    input: "host=db port=5432 user=admin password='sp ace\\'s' dbname=app",
    secrets: ['sp ace', "\\'s"],
    keep: ['dbname=app'],
  },
  {
    reason: 'environment assignments of dump tools',
    input: 'PGPASSWORD=env-secret MYSQL_PWD=pwd-secret mariadb-dump x',
    secrets: ['env-secret', 'pwd-secret'],
    keep: ['mariadb-dump x'],
  },
  {
    reason: 'an Azure connection string and a SAS signature',
    input:
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=az/key==;EndpointSuffix=core.windows.net https://acct.blob.core.windows.net/c?sv=2022&sig=AbC%2Fsig&se=2030',
    secrets: ['az/key==', 'AbC%2Fsig'],
    keep: ['AccountName=acct', 'EndpointSuffix=core.windows.net', 'se=2030'],
  },
  {
    reason: 'a bearer token',
    input: 'request failed: Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    secrets: ['eyJhbGciOiJSUzI1NiJ9'],
  },
  {
    reason: 'a PEM private key',
    input: 'tls: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY----- end',
    secrets: ['MIIEvQIBADANBgkq'],
    keep: [' end'],
  },
  // Messages that must not be mangled.
  {
    reason: 'a PostgreSQL authentication error',
    input: 'password authentication failed for user "bob"',
    secrets: [],
    keep: ['password authentication failed for user "bob"'],
  },
  {
    reason: 'a validation error naming a passwordSecretRef',
    input: 'spec.forProvider.passwordSecretRef.name: Required value',
    secrets: [],
    keep: ['spec.forProvider.passwordSecretRef.name: Required value'],
  },
];

describe('redactSecrets', () => {
  for (const c of scrubCases) {
    it(c.reason, () => {
      const out = redactSecrets(c.input);
      for (const secret of c.secrets)
        assert.ok(!out.includes(secret), `${JSON.stringify(secret)} left in ${out}`);
      for (const kept of c.keep ?? [])
        assert.ok(out.includes(kept), `${JSON.stringify(kept)} lost from ${out}`);
      if (c.secrets.length > 0) assert.ok(out.includes(censor));
      assert.equal(redactSecrets(out), out, 'redacting twice changes nothing');
    });
  }
});

describe('isSecretKey', () => {
  const cases: [string, boolean][] = [
    ['password', true],
    ['adminPassword', true],
    ['ssl_password', true],
    ['sql', true],
    ['dsn', true],
    ['connectionString', true],
    ['secretAccessKey', true],
    ['sessionToken', true],
    ['clientSecret', true],
    ['passwordSecretRef', false],
    ['username', false],
    ['sqlState', false],
    ['host', false],
  ];
  for (const [key, want] of cases) {
    it(`${key} → ${want}`, () => {
      assert.equal(isSecretKey(key), want);
    });
  }
});

describe('redactValue', () => {
  it('censors secret keys at any depth and scrubs every string', () => {
    const out = redactValue({
      user: 'app',
      password: 'top-secret',
      spec: { forProvider: { connection: { password: 'deep-secret', host: 'db' } } },
      statements: ["CREATE USER x IDENTIFIED BY 'array-secret'"],
    });
    assert.deepEqual(out, {
      user: 'app',
      password: censor,
      spec: { forProvider: { connection: { password: censor, host: 'db' } } },
      statements: [`CREATE USER x IDENTIFIED BY ${censor}`],
    });
  });

  it('serialises a mysql2-style error: err.sql censored, message, stack and cause chain scrubbed', () => {
    const root = new Error('connect ECONNREFUSED postgres://a:cause-secret@db');
    const err = Object.assign(
      new Error("ER_PARSE_ERROR: near 'BY 'msg-secret'' at line 1", { cause: root }),
      {
        code: 'ER_PARSE_ERROR',
        errno: 1064,
        sql: "CREATE USER 'a'@'%' IDENTIFIED BY 'sql-secret'",
        sqlState: '42000',
      },
    );
    const out = redactValue({ err }) as { err: Record<string, unknown> };
    const text = JSON.stringify(out);
    for (const secret of ['cause-secret', 'msg-secret', 'sql-secret'])
      assert.ok(!text.includes(secret), text);
    assert.equal(out.err['type'], 'Error');
    assert.equal(out.err['sql'], censor);
    assert.equal(out.err['code'], 'ER_PARSE_ERROR');
    assert.equal(out.err['errno'], 1064);
    assert.equal(out.err['sqlState'], '42000');
    assert.match(String(out.err['stack']), /^Error: ER_PARSE_ERROR/);
    assert.equal(
      (out.err['cause'] as Record<string, unknown>)['message'],
      `connect ECONNREFUSED postgres://a:${censor}@db`,
    );
  });

  it('serialises the errors of an AggregateError', () => {
    const out = redactValue(new AggregateError([new Error("PASSWORD 'agg-secret'")], 'two failures'));
    assert.ok(!JSON.stringify(out).includes('agg-secret'));
    assert.equal((out as Record<string, unknown>)['type'], 'AggregateError');
  });

  it('censors binary data, which is how connection details travel', () => {
    assert.deepEqual(redactValue({ details: { username: Buffer.from('app'), uri: new Uint8Array([1]) } }), {
      details: { username: censor, uri: censor },
    });
  });

  it('uses toJSON, so URLs with credentials are scrubbed rather than dropped', () => {
    assert.deepEqual(redactValue({ endpoint: new URL('https://u:url-secret@example.com/x') }), {
      endpoint: `https://u:${censor}@example.com/x`,
    });
  });

  it('survives cycles and very deep objects', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic['self'] = cyclic;
    assert.deepEqual(redactValue(cyclic), { name: 'a', self: '[Circular]' });
    let deep: Record<string, unknown> = { password: 'bottom' };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    assert.ok(!JSON.stringify(redactValue(deep)).includes('bottom'));
  });

  it('keeps shared (non-cyclic) references', () => {
    const shared = { host: 'db' };
    assert.deepEqual(redactValue({ a: shared, b: shared }), { a: { host: 'db' }, b: { host: 'db' } });
  });

  it('leaves scalars alone and drops functions and undefined fields', () => {
    assert.deepEqual(redactValue({ n: 1, b: true, z: null, u: undefined, f: () => 1, d: new Date(0) }), {
      n: 1,
      b: true,
      z: null,
      d: '1970-01-01T00:00:00.000Z',
    });
  });
});
