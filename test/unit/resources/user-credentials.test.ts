import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  connectionSecretData,
  connectionUri,
  type UserConnection,
} from '../../../src/resources/user/connection-details.ts';
import { generatePassword, passwordAlphabet } from '../../../src/resources/user/password.ts';

const pg: UserConnection = {
  engine: 'postgres',
  host: 'db.internal',
  port: 5432,
  username: 'app',
  password: 'p@ss:w/rd',
  database: 'orders',
  tlsMode: 'verify-full',
};

describe('connection URI', () => {
  const cases: { name: string; c: UserConnection; uri: string }[] = [
    {
      name: 'postgres, with reserved characters encoded and verify-full as libpq spells it',
      c: pg,
      uri: 'postgresql://app:p%40ss%3Aw%2Frd@db.internal:5432/orders?sslmode=verify-full',
    },
    {
      name: 'mysql scheme for mariadb, with the mode as MySQL spells it',
      c: { ...pg, engine: 'mariadb', port: 3306, password: 'x', tlsMode: 'verify-full' },
      uri: 'mysql://app:x@db.internal:3306/orders?ssl-mode=VERIFY_IDENTITY',
    },
    {
      name: 'a server without TLS: the client must not insist on it either',
      c: { ...pg, engine: 'mysql', port: 3306, password: 'x', tlsMode: 'disable' },
      uri: 'mysql://app:x@db.internal:3306/orders?ssl-mode=DISABLED',
    },
    {
      name: 'verify-ca: chain checked, name not',
      c: { ...pg, password: 'x', tlsMode: 'verify-ca' },
      uri: 'postgresql://app:x@db.internal:5432/orders?sslmode=verify-ca',
    },
    {
      name: 'IPv6 host in brackets, no database',
      c: { ...pg, host: '::1', password: 'x', database: '', tlsMode: 'require' },
      uri: 'postgresql://app:x@[::1]:5432/?sslmode=require',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(connectionUri(c.c), c.uri);
    });
  }
});

describe('connection Secret data', () => {
  it('has the standard keys', () => {
    assert.deepEqual(Object.keys(connectionSecretData(pg)).sort(), [
      'database',
      'endpoint',
      'password',
      'port',
      'uri',
      'username',
    ]);
  });

  it("publishes the instance's CA bundle as ca.crt, for clients to verify the server with", () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    assert.equal(connectionSecretData({ ...pg, ca })['ca.crt'], ca);
  });

  it('fills template placeholders and nothing else, and lets a template replace a standard key', () => {
    const data = connectionSecretData(pg, {
      jdbc: 'jdbc:postgresql://{{ .endpoint }}:{{.port}}/{{ .database }}?user={{ .username }}',
      port: '{{ .port }}0',
      other: '{{ .secret }} {{ printf "x" }}',
    });
    assert.equal(data['jdbc'], 'jdbc:postgresql://db.internal:5432/orders?user=app');
    assert.equal(data['port'], '54320');
    assert.equal(data['other'], '{{ .secret }} {{ printf "x" }}');
  });
});

describe('generated passwords', () => {
  it('have the asked length and at least one character of each class', () => {
    for (const length of [8, 32, 128]) {
      const password = generatePassword({ length });
      assert.equal(password.length, length);
      assert.match(password, /[a-z]/);
      assert.match(password, /[A-Z]/);
      assert.match(password, /[0-9]/);
      assert.match(password, /[^A-Za-z0-9]/);
    }
  });

  it('leave out special characters and excluded characters when asked', () => {
    for (let i = 0; i < 50; i++) {
      const password = generatePassword({ includeSpecialChars: false, excludeChars: 'aeiou0' });
      assert.match(password, /^[A-Za-z0-9]{32}$/);
      assert.doesNotMatch(password, /[aeiou0]/);
    }
  });

  it('never use characters that break URIs or quoting', () => {
    const alphabet = passwordAlphabet({}).join('');
    for (const c of ['"', "'", '\\', '/', ':', '@', '%', '#', ' ', '`']) assert.ok(!alphabet.includes(c), c);
  });

  it('differ each time', () => {
    assert.notEqual(generatePassword(), generatePassword());
  });

  it('refuse exclusions that empty a character class', () => {
    assert.throws(() => generatePassword({ excludeChars: '0123456789' }), /removes every character/);
  });
});
