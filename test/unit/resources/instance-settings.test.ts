import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatabaseInstance } from '../../../src/apis/database-instance.ts';
import { engineMismatch } from '../../../src/resources/instance/fit.ts';
import { connectionSettings, secretNeeds, serverPort } from '../../../src/resources/instance/settings.ts';

function instance(forProvider: Partial<DatabaseInstance['spec']['forProvider']>): DatabaseInstance {
  return {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind: 'DatabaseInstance',
    metadata: { name: 'pg', namespace: 'team' },
    spec: {
      forProvider: {
        engine: 'postgres',
        connection: { host: 'db.internal', credentialsSecretRef: { name: 'admin' } },
        ...forProvider,
      },
    },
  };
}

const login = { username: 'admin', password: 's3cret' };

describe('DatabaseInstance connection settings', () => {
  const cases: {
    name: string;
    forProvider: Partial<DatabaseInstance['spec']['forProvider']>;
    expect: Record<string, unknown>;
  }[] = [
    {
      name: 'postgres defaults: port 5432, database postgres, verify-full, pool of 5, 10 s connect timeout',
      forProvider: {},
      expect: {
        port: 5432,
        database: 'postgres',
        tls: { mode: 'verify-full' },
        maxConnections: 5,
        connectTimeoutMs: 10_000,
      },
    },
    {
      name: 'mariadb default port 3306 and no administrative database',
      forProvider: {
        engine: 'mariadb',
        connection: { host: 'db', credentialsSecretRef: { name: 'admin' } },
        mysql: { charset: 'latin1' },
      },
      expect: { port: 3306, database: undefined, charset: 'latin1' },
    },
    {
      name: 'explicit port, database, pool, timeouts and session settings',
      forProvider: {
        connection: {
          host: 'db',
          port: 6432,
          database: 'admin',
          connectTimeoutSeconds: 3,
          credentialsSecretRef: { name: 'admin' },
        },
        pool: { maxConnections: 12 },
        postgres: { applicationName: 'dbops', statementTimeoutSeconds: 30 },
        tls: { mode: 'verify-ca', serverName: 'pg.example' },
      },
      expect: {
        port: 6432,
        database: 'admin',
        connectTimeoutMs: 3000,
        maxConnections: 12,
        applicationName: 'dbops',
        statementTimeoutMs: 30_000,
        tls: { mode: 'verify-ca', serverName: 'pg.example' },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const settings = connectionSettings(instance(c.forProvider), login) as unknown as Record<
        string,
        unknown
      >;
      for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(settings[key], value, key);
      assert.equal(settings['user'], 'admin');
      assert.equal(settings['password'], 's3cret');
    });
  }

  it('carries TLS material from the Secrets', () => {
    const settings = connectionSettings(instance({ tls: { mode: 'verify-full' } }), {
      ...login,
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
    });
    assert.deepEqual(settings.tls, { mode: 'verify-full', ca: 'CA', cert: 'CERT', key: 'KEY' });
  });

  it('refuses credentials without a password', () => {
    assert.throws(
      () => connectionSettings(instance({}), { username: 'admin' }),
      /needs a username, and a password unless tls.clientCertificateSecretRef is set/,
    );
  });

  it('lets a login with a client certificate go without a password', () => {
    const tls = { mode: 'verify-full', clientCertificateSecretRef: { name: 'client' } } as const;
    const settings = connectionSettings(instance({ tls }), { username: 'admin', cert: 'CERT', key: 'KEY' });
    assert.equal(settings.password, '');
    assert.deepEqual(
      secretNeeds(instance({ tls })).find((n) => n.purpose === 'password'),
      { purpose: 'password', name: 'admin', key: 'password', optional: true },
      'the password key may be absent from the Secret',
    );
  });

  it('names every Secret key it needs, with the documented default keys', () => {
    const needs = secretNeeds(
      instance({
        tls: {
          mode: 'verify-full',
          caSecretRef: { name: 'ca', key: 'ca.crt' },
          clientCertificateSecretRef: { name: 'client' },
        },
      }),
    );
    assert.deepEqual(needs, [
      { purpose: 'username', name: 'admin', key: 'username' },
      { purpose: 'password', name: 'admin', key: 'password', optional: true },
      { purpose: 'ca', name: 'ca', key: 'ca.crt' },
      { purpose: 'cert', name: 'client', key: 'tls.crt' },
      { purpose: 'key', name: 'client', key: 'tls.key' },
    ]);
  });

  it('uses the engine default port when none is given', () => {
    assert.equal(serverPort(instance({})), 5432);
    assert.equal(serverPort(instance({ engine: 'mysql' })), 3306);
  });
});

describe('engine-specific settings fit the instance', () => {
  const cases = [
    { engine: 'postgres', fp: { postgres: {} }, fits: true },
    { engine: 'postgres', fp: { mysql: {} }, fits: false },
    { engine: 'mariadb', fp: { mysql: {} }, fits: true },
    { engine: 'mysql', fp: { postgres: {} }, fits: false },
    { engine: 'mariadb', fp: {}, fits: true },
  ] as const;
  for (const c of cases) {
    it(`${Object.keys(c.fp).join(',') || 'none'} on ${c.engine}: ${c.fits ? 'fits' : 'refused'}`, () => {
      const message = engineMismatch(c.engine, c.fp);
      if (c.fits) assert.equal(message, undefined);
      else assert.match(message ?? '', new RegExp(`applies to .* but this instance runs ${c.engine}`));
    });
  }
});
