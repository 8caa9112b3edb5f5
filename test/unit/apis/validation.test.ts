// The OpenAPI part of the schemas (types, enums, patterns, ranges, required fields), checked with TypeBox's own
// validator. CEL rules only the API server evaluates: test/integration/crds.test.ts covers them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from 'typebox/value';
import { kinds, type KindName } from '../../../src/apis/registry.ts';
import { validObjects, withValue } from './fixtures.ts';

const objects = validObjects('team-a');

function errorPaths(kind: KindName, value: unknown): string[] {
  return [...Value.Errors(kinds[kind].schema, value)].map((e) => e.instancePath);
}

describe('schema validation', () => {
  for (const kind of Object.keys(objects) as KindName[]) {
    it(`accepts the ${kind} fixture`, () => {
      assert.deepEqual(errorPaths(kind, objects[kind]), []);
    });
  }

  const rejected: { what: string; kind: KindName; path: string; value: unknown; error: string }[] = [
    {
      what: 'an engine we do not support',
      kind: 'DatabaseInstance',
      path: 'spec.forProvider.engine',
      value: 'cockroachdb',
      error: '/spec/forProvider/engine',
    },
    {
      what: 'a port out of range',
      kind: 'DatabaseInstance',
      path: 'spec.forProvider.connection.port',
      value: 70000,
      error: '/spec/forProvider/connection/port',
    },
    {
      what: 'an instance without credentials',
      kind: 'DatabaseInstance',
      path: 'spec.forProvider.connection.credentialsSecretRef',
      value: undefined,
      error: '/spec/forProvider/connection',
    },
    {
      what: 'a namespace that is not a DNS label',
      kind: 'DatabaseInstance',
      path: 'spec.forProvider.allowedNamespaces',
      value: ['Team_A'],
      error: '/spec/forProvider/allowedNamespaces/0',
    },
    {
      what: 'an owner that is not an identifier',
      kind: 'Database',
      path: 'spec.forProvider.postgres.owner',
      value: 'x"; DROP',
      error: '/spec/forProvider/postgres/owner',
    },
    {
      what: 'a connection limit below -1',
      kind: 'Database',
      path: 'spec.forProvider.postgres.connectionLimit',
      value: -2,
      error: '/spec/forProvider/postgres/connectionLimit',
    },
    {
      what: 'an identifier longer than 63',
      kind: 'DatabaseRole',
      path: 'spec.forProvider.postgres.inRoles',
      value: ['r'.repeat(64)],
      error: '/spec/forProvider/postgres/inRoles/0',
    },
    {
      what: 'a password shorter than 8',
      kind: 'DatabaseUser',
      path: 'spec.forProvider.passwordGeneration.length',
      value: 7,
      error: '/spec/forProvider/passwordGeneration/length',
    },
    {
      what: 'an unknown auth plugin',
      kind: 'DatabaseUser',
      path: 'spec.forProvider.mysql.authPlugin',
      value: 'plain',
      error: '/spec/forProvider/mysql/authPlugin',
    },
    {
      what: 'a host with a space',
      kind: 'DatabaseUser',
      path: 'spec.forProvider.mysql.allowedHosts',
      value: ['a b'],
      error: '/spec/forProvider/mysql/allowedHosts/0',
    },
    {
      what: 'a management action that does not exist',
      kind: 'DatabaseUser',
      path: 'spec.managementPolicies',
      value: ['Orphan'],
      error: '/spec/managementPolicies/0',
    },
    {
      what: 'a provider config kind that does not exist',
      kind: 'Database',
      path: 'spec.providerConfigRef',
      value: { kind: 'Secret', name: 'x' },
      error: '/spec/providerConfigRef/kind',
    },
    {
      what: 'a table privilege on a database',
      kind: 'DatabaseGrant',
      path: 'spec.forProvider.postgres.database.privileges',
      value: ['SELECT'],
      error: '/spec/forProvider/postgres/database/privileges/0',
    },
    {
      what: 'a function privilege on tables',
      kind: 'DatabaseGrant',
      path: 'spec.forProvider.postgres.tables',
      value: [{ allInSchema: true, privileges: ['EXECUTE'] }],
      error: '/spec/forProvider/postgres/tables/0/privileges/0',
    },
    {
      what: 'an empty privilege list',
      kind: 'DatabaseGrant',
      path: 'spec.forProvider.postgres.schemas',
      value: [{ name: 'app', privileges: [] }],
      error: '/spec/forProvider/postgres/schemas/0/privileges',
    },
    {
      what: 'a MySQL column privilege that does not exist',
      kind: 'DatabaseGrant',
      path: 'spec.forProvider.mysql',
      value: { columns: [{ table: 't', columns: ['c'], privileges: ['DELETE'] }] },
      error: '/spec/forProvider/mysql/columns/0/privileges/0',
    },
    {
      what: 'an unknown compression',
      kind: 'DatabaseBackup',
      path: 'spec.forProvider.compression',
      value: { algorithm: 'lz4' },
      error: '/spec/forProvider/compression/algorithm',
    },
    {
      what: 'a ttl in weeks',
      kind: 'DatabaseBackup',
      path: 'spec.forProvider.ttl',
      value: '2w',
      error: '/spec/forProvider/ttl',
    },
    {
      what: 'a directory-format dump',
      kind: 'DatabaseBackup',
      path: 'spec.forProvider.postgres.format',
      value: 'directory',
      error: '/spec/forProvider/postgres/format',
    },
    {
      what: 'a three-field cron',
      kind: 'DatabaseBackupSchedule',
      path: 'spec.forProvider.schedule',
      value: 'a b c',
      error: '/spec/forProvider/schedule',
    },
    {
      what: 'a negative retention',
      kind: 'DatabaseBackupSchedule',
      path: 'spec.forProvider.retention.keepDaily',
      value: -1,
      error: '/spec/forProvider/retention/keepDaily',
    },
    {
      what: 'an unknown concurrency policy',
      kind: 'DatabaseBackupSchedule',
      path: 'spec.forProvider.concurrencyPolicy',
      value: 'Skip',
      error: '/spec/forProvider/concurrencyPolicy',
    },
    {
      what: 'a restore without a target',
      kind: 'DatabaseRestore',
      path: 'spec.forProvider.target',
      value: undefined,
      error: '/spec/forProvider',
    },
    {
      what: 'an unknown credentials source',
      kind: 'ProviderConfig',
      path: 'spec.credentials.source',
      value: 'Vault',
      error: '/spec/credentials/source',
    },
    {
      what: 'a relative filesystem path',
      kind: 'ClusterProviderConfig',
      path: 'spec.storage.filesystem.path',
      value: 'backups',
      error: '/spec/storage/filesystem/path',
    },
    {
      what: 'a usage without its resource',
      kind: 'ProviderConfigUsage',
      path: 'resourceRef',
      value: undefined,
      error: '',
    },
  ];

  for (const { what, kind, path, value, error } of rejected) {
    it(`rejects ${what}`, () => {
      assert.ok(
        errorPaths(kind, withValue(objects[kind], path, value)).includes(error),
        `expected an error at "${error}"`,
      );
    });
  }

  it('applies the schema defaults a stored object gets', () => {
    const instance = Value.Default(
      kinds.DatabaseInstance.schema,
      structuredClone(objects.DatabaseInstance),
    ) as typeof objects.DatabaseInstance;
    assert.deepEqual(instance.spec.managementPolicies, ['*']);
    assert.deepEqual(instance.spec.providerConfigRef, { kind: 'ClusterProviderConfig', name: 'default' });
    assert.deepEqual(instance.spec.forProvider.connection.credentialsSecretRef, {
      name: 'pg-admin',
      usernameKey: 'username',
      passwordKey: 'password',
    });
  });
});
