// Every SQL kind on the harness's real MariaDB through the provider's runtime and the real API server: one
// account per allowed host, database-level and table-level grants read back with SHOW GRANTS, revocation of
// what leaves the spec, drift reverted in both directions, deletion and orphaning.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { DatabaseLogin } from '../../harness/postgres.ts';
import { eventually } from '../../harness/wait.ts';
import { startProvider, type Provider } from './support.ts';

let p: Provider;
let admin: DatabaseLogin;
before(async () => {
  p = await startProvider('maria');
  admin = p.env.mariadb.admin;
  await p.instance('maria', 'mariadb', admin);
});
after(async () => {
  await p.stop();
});

const tag = String(process.pid);

async function run<T>(
  login: { user: string; password: string; database?: string },
  sql: string,
  values: unknown[] = [],
): Promise<T> {
  const conn = await mysql.createConnection({ host: admin.host, port: admin.port, ...login });
  try {
    const [rows] = await conn.query(sql, values);
    return rows as T;
  } finally {
    await conn.end();
  }
}

const asAdmin = <T>(sql: string, values: unknown[] = []) =>
  run<T>({ user: admin.user, password: admin.password }, sql, values);

async function schemaExists(name: string): Promise<boolean> {
  const rows = await asAdmin<unknown[]>('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [
    name,
  ]);
  return rows.length === 1;
}

describe('SQL kinds on MariaDB', () => {
  it('reports the instance Ready with the server version', async () => {
    const mg = await p.ready('DatabaseInstance', 'maria');
    assert.match(String((mg.status?.atProvider as { version?: string }).version), /MariaDB/);
  });

  it('takes database, user, role and grant to Ready; the Secret logs in with exactly the granted rights', async () => {
    const db = `shop_${tag}`;
    const user = `app_${tag}`;
    await p.create(
      'Database',
      'shop',
      {
        forProvider: {
          instanceRef: { name: 'maria' },
          mysql: { charset: 'utf8mb4', collation: 'utf8mb4_bin' },
        },
      },
      {
        'crossplane.io/external-name': db,
      },
    );
    await p.create(
      'DatabaseUser',
      'app',
      {
        forProvider: {
          instanceRef: { name: 'maria' },
          connectionDatabase: db,
          mysql: { allowedHosts: ['127.0.0.1', 'localhost'], maxUserConnections: 5 },
        },
        writeConnectionSecretToRef: { name: 'app-conn' },
      },
      { 'crossplane.io/external-name': user },
    );
    await p.create(
      'DatabaseRole',
      'auditors',
      { forProvider: { instanceRef: { name: 'maria' } } },
      {
        'crossplane.io/external-name': `auditors_${tag}`,
      },
    );
    const shop = await p.ready('Database', 'shop');
    assert.equal((shop.status?.atProvider as { collation?: string }).collation, 'utf8mb4_bin');
    await p.ready('DatabaseUser', 'app');
    await p.ready('DatabaseRole', 'auditors');
    const hosts = await asAdmin<{ Host: string; max_user_connections: number }[]>(
      'SELECT Host, max_user_connections FROM mysql.user WHERE User = ? ORDER BY Host',
      [user],
    );
    assert.deepEqual(
      hosts.map((h) => [h.Host, h.max_user_connections]),
      [
        ['127.0.0.1', 5],
        ['localhost', 5],
      ],
    );
    await asAdmin(`CREATE TABLE \`${db}\`.orders (id INT PRIMARY KEY)`);

    await p.create('DatabaseGrant', 'app-rw', {
      forProvider: {
        instanceRef: { name: 'maria' },
        userRef: { name: 'app' },
        databaseRef: { name: 'shop' },
        memberOf: [{ role: `auditors_${tag}` }],
        mysql: { database: { privileges: ['SELECT', 'INSERT'] } },
      },
    });
    await p.ready('DatabaseGrant', 'app-rw');
    const secret = await p.secretData('app-conn');
    assert.equal(secret['uri']?.startsWith(`mysql://${user}:`), true);
    const login = { user, password: secret['password'] ?? '', database: db };
    await run(login, 'INSERT INTO orders VALUES (1)');
    assert.deepEqual(await run(login, 'SELECT id FROM orders'), [{ id: 1 }]);
    await assert.rejects(run(login, 'DELETE FROM orders'), /command denied/);

    // INSERT leaves the spec: it is revoked on every host's account.
    await p.patchSpec('DatabaseGrant', 'app-rw', {
      forProvider: { mysql: { database: { privileges: ['SELECT'] } } },
    });
    await eventually('INSERT revoked', async () => {
      try {
        await run(login, 'INSERT INTO orders VALUES (2)');
        return undefined;
      } catch (err) {
        return /command denied/.test(String(err)) ? true : undefined;
      }
    });
    const grants = await asAdmin<Record<string, string>[]>(`SHOW GRANTS FOR '${user}'@'localhost'`);
    assert.ok(
      grants.some((g) => /GRANT SELECT ON `shop\\_\d+`\.\*/.test(Object.values(g)[0] ?? '')),
      JSON.stringify(grants),
    );
    assert.ok(!grants.some((g) => /INSERT/.test(Object.values(g)[0] ?? '')), JSON.stringify(grants));

    // A privilege revoked by hand comes back within a poll.
    // The grant names the database with _ escaped (a bare _ is a wildcard in grants).
    await asAdmin(`REVOKE SELECT ON \`${db.replaceAll('_', '\\_')}\`.* FROM '${user}'@'127.0.0.1'`);
    await eventually('SELECT restored', async () => {
      try {
        await run(login, 'SELECT id FROM orders');
        return true;
      } catch {
        return undefined;
      }
    });

    // A host added to the user gets its own account, with the same password and grants.
    await p.patchSpec('DatabaseUser', 'app', {
      forProvider: { mysql: { allowedHosts: ['127.0.0.1', 'localhost', '10.1.2.%'] } },
    });
    await eventually('account for the new host, with the grant', async () => {
      const rows = await asAdmin<{ Host: string }[]>(
        'SELECT Host FROM mysql.user WHERE User = ? ORDER BY Host',
        [user],
      );
      if (rows.length !== 3) return undefined;
      const grants = await asAdmin<Record<string, string>[]>(`SHOW GRANTS FOR '${user}'@'10.1.2.%'`);
      return grants.some((g) => /GRANT SELECT ON/.test(Object.values(g)[0] ?? '')) ? true : undefined;
    });
    await run(login, 'SELECT id FROM orders');

    await p.delete('DatabaseGrant', 'app-rw');
    await p.gone('DatabaseGrant', 'app-rw');
    await assert.rejects(run(login, 'SELECT id FROM orders'), /denied/);
    for (const [kind, name] of [
      ['DatabaseUser', 'app'],
      ['DatabaseRole', 'auditors'],
      ['Database', 'shop'],
    ] as const) {
      await p.delete(kind, name);
      await p.gone(kind, name);
    }
    assert.deepEqual(
      await asAdmin('SELECT User FROM mysql.user WHERE User IN (?, ?)', [user, `auditors_${tag}`]),
      [],
    );
    assert.equal(await schemaExists(db), false);
  });

  it('revokes a privilege granted by hand within a poll, while the grant stays Ready', async () => {
    // No _ in the name: typed by hand, GRANT … ON `db`.* then names exactly the row the provider manages.
    const db = `drift${tag}`;
    const user = `drifter_${tag}`;
    await p.create(
      'Database',
      'drift',
      { forProvider: { instanceRef: { name: 'maria' } } },
      { 'crossplane.io/external-name': db },
    );
    await p.create(
      'DatabaseUser',
      'drifter',
      {
        forProvider: { instanceRef: { name: 'maria' }, connectionDatabase: db },
        writeConnectionSecretToRef: { name: 'drifter-conn' },
      },
      { 'crossplane.io/external-name': user },
    );
    await p.create('DatabaseGrant', 'drifter-read', {
      forProvider: {
        instanceRef: { name: 'maria' },
        userRef: { name: 'drifter' },
        databaseRef: { name: 'drift' },
        mysql: { database: { privileges: ['SELECT'] } },
      },
    });
    await p.ready('DatabaseGrant', 'drifter-read');
    await asAdmin(`CREATE TABLE \`${db}\`.t (id INT)`);
    const secret = await p.secretData('drifter-conn');
    const login = { user, password: secret['password'] ?? '', database: db };
    const showGrants = async () =>
      (await asAdmin<Record<string, string>[]>(`SHOW GRANTS FOR '${user}'@'%'`))
        .map((g) => Object.values(g)[0] ?? '')
        .join('\n');

    const updates = async () =>
      (await p.samples('dbops_grant_operations_total'))
        .filter((s) => s.labels['operation'] === 'update' && s.labels['status'] === 'success')
        .reduce((sum, s) => sum + s.value, 0);
    const updatesBefore = await updates();

    await asAdmin(`GRANT DELETE ON \`${db}\`.* TO '${user}'@'%'`);
    const notReady: string[] = [];
    await eventually(
      'DELETE revoked',
      async () => {
        const mg = await p.get('DatabaseGrant', 'drifter-read');
        const ready = mg?.status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status !== 'True') notReady.push(JSON.stringify(ready));
        return /DELETE/.test(await showGrants()) ? undefined : true;
      },
      // One poll (1.5 s) and the Update it starts, with room for a loaded machine.
      4_000,
    );
    assert.deepEqual(notReady, [], 'the grant left Ready');
    // The provider revoked it: an Update ran (a login check right after the GRANT could race the poll).
    assert.ok((await updates()) > updatesBefore, 'no Update ran');
    await assert.rejects(run(login, 'DELETE FROM t'), /command denied/);
    await run(login, 'SELECT id FROM t');
    assert.match(await showGrants(), /GRANT SELECT ON `drift\d+`\.\*/);
    await p.ready('DatabaseGrant', 'drifter-read');

    for (const [kind, name] of [
      ['DatabaseGrant', 'drifter-read'],
      ['DatabaseUser', 'drifter'],
      ['Database', 'drift'],
    ] as const) {
      await p.delete(kind, name);
      await p.gone(kind, name);
    }
  });

  it('orphans the database when Delete is left out of managementPolicies', async () => {
    const kept = `kept_${tag}`;
    await p.create(
      'Database',
      'kept',
      {
        forProvider: { instanceRef: { name: 'maria' } },
        managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'],
      },
      { 'crossplane.io/external-name': kept },
    );
    await p.ready('Database', 'kept');
    await p.delete('Database', 'kept');
    await p.gone('Database', 'kept');
    assert.equal(await schemaExists(kept), true);
    await asAdmin(`DROP DATABASE \`${kept}\``);
  });

  it('refuses postgres settings and unsupported options with a clear condition', async () => {
    await p.create('Database', 'pg-settings', {
      forProvider: { instanceRef: { name: 'maria' }, postgres: { connectionLimit: 3 } },
    });
    await p.create('DatabaseUser', 'sha2', {
      forProvider: { instanceRef: { name: 'maria' }, mysql: { authPlugin: 'caching_sha2_password' } },
      writeConnectionSecretToRef: { name: 'sha2-conn' },
    });
    await p.condition(
      'Database',
      'pg-settings',
      'Synced',
      'False',
      /forProvider.postgres applies to postgres instances/,
    );
    await p.condition(
      'DatabaseUser',
      'sha2',
      'Synced',
      'False',
      /caching_sha2_password is not available on mariadb/,
    );
    assert.deepEqual(await asAdmin("SELECT User FROM mysql.user WHERE User = 'sha2'"), []);
    for (const [kind, name] of [
      ['Database', 'pg-settings'],
      ['DatabaseUser', 'sha2'],
    ] as const) {
      await p.delete(kind, name);
      await p.gone(kind, name);
    }
  });
});
