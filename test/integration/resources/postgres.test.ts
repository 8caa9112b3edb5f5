// Every SQL kind on the harness's real PostgreSQL 15 through the provider's runtime and the real API server:
// instance → database → user → role → grant reach Ready, the published Secret logs in, granted statements
// succeed and others are denied, spec changes and hand-made drift are reconciled within a poll, deletion drops
// or orphans, and an outage of the server is reported and recovered from.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type DatabaseLogin, type PostgresServer } from '../../harness/postgres.ts';
import { eventually } from '../../harness/wait.ts';
import { startProvider, type Provider } from './support.ts';

let p: Provider;
let admin: DatabaseLogin;
before(async () => {
  p = await startProvider('pg');
  admin = p.env.postgres.admin;
  await p.instance('pg', 'postgres', admin);
  await grantsTarget(p, grantsDb);
});
after(async () => {
  await p.stop();
});

const tag = String(process.pid);
/** A database of the test namespace for grants that need one (grants on the server's own are refused). */
const grantsDb = `grants_${tag}`;
const slowGrantsDb = `grants_slow_${tag}`;

async function grantsTarget(provider: Provider, name: string): Promise<void> {
  await provider.create(
    'Database',
    'grants-target',
    { forProvider: { instanceRef: { name: 'pg' } } },
    { 'crossplane.io/external-name': name },
  );
}

async function query<T extends pg.QueryResultRow>(
  login: { user: string; password: string; database: string; host?: string; port?: number },
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ host: admin.host, port: admin.port, ...login });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const asAdmin = <T extends pg.QueryResultRow>(database: string, sql: string, values: unknown[] = []) =>
  query<T>({ user: admin.user, password: admin.password, database }, sql, values);

async function databaseExists(name: string): Promise<boolean> {
  const rows = await asAdmin('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}

/** The dbops_* series the scenario so far must have produced, with the spec's labels. */
async function expectMetrics(db: string): Promise<void> {
  const one = async (metric: string, match: Record<string, string>) => {
    // A histogram's _count sample belongs to the family without the suffix.
    const family = metric.replace(/_seconds_count$/, '_seconds');
    const samples = await p.samples(family);
    const found = samples.filter(
      (s) => s.name === metric && Object.entries(match).every(([k, v]) => s.labels[k] === v),
    );
    assert.ok(
      found.length > 0,
      `${metric} ${JSON.stringify(match)} among ${JSON.stringify(samples.slice(0, 8))}`,
    );
    return found[0]?.value ?? NaN;
  };
  const ns = p.namespace;
  assert.equal(await one('dbops_instance_healthy', { instance: 'pg', engine: 'postgres', namespace: ns }), 1);
  assert.ok(
    (await one('dbops_connection_attempts_total', { instance: 'pg', status: 'success', namespace: ns })) >= 1,
  );
  assert.ok((await one('dbops_connection_latency_seconds_count', { instance: 'pg', namespace: ns })) >= 1);
  const created = { operation: 'create', engine: 'postgres', status: 'success', namespace: ns };
  for (const kind of ['database', 'user', 'role', 'grant']) {
    assert.ok((await one(`dbops_${kind}_operations_total`, created)) >= 1, kind);
  }
  assert.ok((await one('dbops_database_size_bytes', { database: db, instance: 'pg', namespace: ns })) > 0);
  await eventually('info and count series from the caches', async () => {
    const info = await one('dbops_database_info', {
      database: 'shop',
      db_name: db,
      instance_ref: 'pg',
      phase: 'Ready',
    });
    const count = await one('dbops_resource_count', {
      resource_type: 'Database',
      phase: 'Ready',
      namespace: ns,
    });
    return info === 1 && count >= 1 ? true : undefined;
  });
}

describe('SQL kinds on PostgreSQL', () => {
  it('reports the instance Ready with the server version', async () => {
    const mg = await p.ready('DatabaseInstance', 'pg');
    assert.match(String((mg.status?.atProvider as { version?: string }).version), /^15\./);
  });

  it('takes database, user, role and grant to Ready; the published Secret logs in with exactly the granted rights', async () => {
    const db = `shop_${tag}`;
    const user = `shop_app_${tag}`;
    await p.create(
      'Database',
      'shop',
      {
        forProvider: {
          instanceRef: { name: 'pg' },
          postgres: { connectionLimit: 5, extensions: [{ name: 'pgcrypto' }], schemas: [{ name: 'sales' }] },
        },
      },
      { 'crossplane.io/external-name': db },
    );
    await p.create(
      'DatabaseUser',
      'app',
      {
        forProvider: {
          instanceRef: { name: 'pg' },
          connectionDatabase: db,
          postgres: { connectionLimit: 3 },
        },
        writeConnectionSecretToRef: { name: 'app-conn' },
      },
      { 'crossplane.io/external-name': user },
    );
    await p.create(
      'DatabaseRole',
      'readers',
      { forProvider: { instanceRef: { name: 'pg' } } },
      {
        'crossplane.io/external-name': `readers_${tag}`,
      },
    );
    const shop = await p.ready('Database', 'shop');
    assert.ok(Number((shop.status?.atProvider as { sizeBytes?: number }).sizeBytes) > 0);
    await p.ready('DatabaseUser', 'app');
    await p.ready('DatabaseRole', 'readers');
    await asAdmin(db, 'CREATE TABLE sales.orders (id int PRIMARY KEY, total numeric)');
    await asAdmin(db, 'INSERT INTO sales.orders VALUES (1, 9.5)');

    await p.create('DatabaseGrant', 'app-reads', {
      forProvider: {
        instanceRef: { name: 'pg' },
        userRef: { name: 'app' },
        databaseRef: { name: 'shop' },
        memberOf: [{ role: `readers_${tag}` }],
        postgres: {
          database: { privileges: ['CONNECT'] },
          schemas: [{ name: 'sales', privileges: ['USAGE'] }],
          tables: [{ schema: 'sales', names: ['orders'], privileges: ['SELECT', 'INSERT'] }],
        },
      },
    });
    const grant = await p.ready('DatabaseGrant', 'app-reads');
    await expectMetrics(db);
    assert.equal((grant.spec.forProvider as { user?: string }).user, user, 'userRef resolved into user');

    const secret = await p.secretData('app-conn');
    assert.deepEqual(Object.keys(secret).sort(), [
      'database',
      'endpoint',
      'password',
      'port',
      'uri',
      'username',
    ]);
    assert.equal(secret['username'], user);
    assert.equal(secret['database'], db);
    const viaUri = new pg.Client({ connectionString: secret['uri'] });
    await viaUri.connect();
    try {
      const { rows } = await viaUri.query<{ total: string }>('SELECT total FROM sales.orders');
      assert.deepEqual(rows, [{ total: '9.5' }]);
      await viaUri.query('INSERT INTO sales.orders VALUES (2, 1)');
      await assert.rejects(viaUri.query('DELETE FROM sales.orders'), /permission denied/);
      const member = await viaUri.query<{ m: boolean }>(
        `SELECT pg_has_role(current_user, $1, 'MEMBER') AS m`,
        [`readers_${tag}`],
      );
      assert.equal(member.rows[0]?.m, true);
    } finally {
      await viaUri.end();
    }

    // A privilege removed from the spec is revoked; a changed limit reaches the server.
    await p.patchSpec('DatabaseGrant', 'app-reads', {
      forProvider: { postgres: { tables: [{ schema: 'sales', names: ['orders'], privileges: ['SELECT'] }] } },
    });
    await p.patchSpec('Database', 'shop', { forProvider: { postgres: { connectionLimit: 7 } } });
    const login = { user, password: secret['password'] ?? '', database: db };
    await eventually('INSERT revoked', async () => {
      try {
        await query(login, 'INSERT INTO sales.orders VALUES (3, 1)');
        return undefined;
      } catch (err) {
        return /permission denied/.test(String(err)) ? true : undefined;
      }
    });
    await eventually('connection limit 7', async () => {
      const rows = await asAdmin<{ n: number }>(
        'postgres',
        'SELECT datconnlimit AS n FROM pg_database WHERE datname = $1',
        [db],
      );
      return rows[0]?.n === 7 ? true : undefined;
    });
    const ids = await query<{ id: number }>(login, 'SELECT id FROM sales.orders ORDER BY id');
    assert.deepEqual(ids.slice(0, 2), [{ id: 1 }, { id: 2 }], 'SELECT still granted');

    // Changes made by hand on the server are reverted within a poll.
    await asAdmin('postgres', `ALTER DATABASE "${db}" CONNECTION LIMIT 99`);
    await asAdmin(db, `REVOKE SELECT ON sales.orders FROM "${user}"`);
    await eventually('hand-made drift reverted', async () => {
      const rows = await asAdmin<{ n: number }>(
        'postgres',
        'SELECT datconnlimit AS n FROM pg_database WHERE datname = $1',
        [db],
      );
      const select = await asAdmin<{ ok: boolean }>(
        db,
        `SELECT has_table_privilege($1, 'sales.orders', 'SELECT') AS ok`,
        [user],
      );
      return rows[0]?.n === 7 && select[0]?.ok === true ? true : undefined;
    });

    // Deleting the grant revokes everything it applied; deleting user and database drops them.
    await p.delete('DatabaseGrant', 'app-reads');
    await p.gone('DatabaseGrant', 'app-reads');
    const after = await asAdmin<{ ok: boolean }>(
      db,
      `SELECT has_table_privilege($1, 'sales.orders', 'SELECT') AS ok`,
      [user],
    );
    assert.equal(after[0]?.ok, false);
    await p.delete('DatabaseUser', 'app');
    await p.delete('DatabaseRole', 'readers');
    await p.gone('DatabaseUser', 'app');
    await p.gone('DatabaseRole', 'readers');
    const roles = await asAdmin('postgres', 'SELECT 1 FROM pg_roles WHERE rolname IN ($1, $2)', [
      user,
      `readers_${tag}`,
    ]);
    assert.equal(roles.length, 0);
    await p.delete('Database', 'shop');
    await p.gone('Database', 'shop');
    assert.equal(await databaseExists(db), false);
  });

  it('orphans the database without Delete in managementPolicies, and protects it with deletionProtection', async () => {
    const kept = `kept_${tag}`;
    const guarded = `guarded_${tag}`;
    await p.create(
      'Database',
      'kept',
      {
        forProvider: { instanceRef: { name: 'pg' } },
        managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'],
      },
      { 'crossplane.io/external-name': kept },
    );
    await p.create(
      'Database',
      'guarded',
      {
        forProvider: { instanceRef: { name: 'pg' }, deletionProtection: true },
      },
      { 'crossplane.io/external-name': guarded },
    );
    await p.ready('Database', 'kept');
    await p.ready('Database', 'guarded');
    await p.delete('Database', 'kept');
    await p.gone('Database', 'kept');
    assert.equal(await databaseExists(kept), true);

    await p.delete('Database', 'guarded');
    await p.condition(
      'Database',
      'guarded',
      'Synced',
      'False',
      /protected: set forProvider.deletionProtection to false/,
    );
    assert.equal(await databaseExists(guarded), true);
    // The series exists from the start (at zero, so the first failure would show); it must stay there.
    const failedDeletes = (await p.samples('dbops_database_operations_total')).filter(
      (s) => s.labels['operation'] === 'delete' && s.labels['status'] === 'failure' && s.value > 0,
    );
    assert.deepEqual(failedDeletes, [], 'a refusal the user asked for is not a failed delete');
    await p.patchSpec('Database', 'guarded', { forProvider: { deletionProtection: false } });
    await p.gone('Database', 'guarded');
    assert.equal(await databaseExists(guarded), false);
    await asAdmin('postgres', `DROP DATABASE "${kept}"`);
  });

  it('keeps a DatabaseInstance that resources still use until they are gone, then lets it go', async () => {
    const name = `busy_${tag}`;
    await p.instance('pg-busy', 'postgres', admin);
    await p.ready('DatabaseInstance', 'pg-busy');
    await p.create(
      'Database',
      'on-busy',
      { forProvider: { instanceRef: { name: 'pg-busy' } } },
      {
        'crossplane.io/external-name': name,
      },
    );
    await p.ready('Database', 'on-busy');
    await p.delete('DatabaseInstance', 'pg-busy');
    await p.condition(
      'DatabaseInstance',
      'pg-busy',
      'Synced',
      'False',
      /still used by 1 resource\(s\): Database [a-z0-9-]+\/on-busy; delete them first/,
    );
    // The database can still be dropped through the instance that is waiting to go.
    await p.delete('Database', 'on-busy');
    await p.gone('Database', 'on-busy');
    assert.equal(await databaseExists(name), false);
    await p.gone('DatabaseInstance', 'pg-busy');
  });

  it('sets a given password and sets it again when its Secret changes', async () => {
    const user = `given_${tag}`;
    await p.secret('given-pw', { password: 'first-Passw0rd' });
    await p.create(
      'DatabaseUser',
      'given',
      {
        forProvider: {
          instanceRef: { name: 'pg' },
          passwordSecretRef: { name: 'given-pw', key: 'password' },
        },
      },
      { 'crossplane.io/external-name': user },
    );
    await p.ready('DatabaseUser', 'given');
    await query({ user, password: 'first-Passw0rd', database: 'postgres' }, 'SELECT 1');
    await p.kube.patch(
      { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
      { namespace: p.namespace, name: 'given-pw' },
      { data: { password: Buffer.from('second-Passw0rd').toString('base64') } },
      { strategy: 'merge' },
    );
    await eventually('new password accepted', async () => {
      try {
        await query({ user, password: 'second-Passw0rd', database: 'postgres' }, 'SELECT 1');
        return true;
      } catch {
        return undefined;
      }
    });
    await p.delete('DatabaseUser', 'given');
    await p.gone('DatabaseUser', 'given');
  });

  it('retries a grant as soon as its user becomes Ready, not after its backoff', async () => {
    const user = `late_${tag}`;
    await p.create('DatabaseGrant', 'early', {
      forProvider: {
        instanceRef: { name: 'pg' },
        userRef: { name: 'late' },
        database: grantsDb,
        postgres: { database: { privileges: ['CONNECT'] } },
      },
    });
    await p.condition('DatabaseGrant', 'early', 'Synced', 'False', /DatabaseUser .*\/late not found/);
    // Failures 1 s, 2 s, 4 s and 8 s apart: the next retry is at least 8 s away.
    await new Promise((resolve) => setTimeout(resolve, 9000));
    await p.create(
      'DatabaseUser',
      'late',
      { forProvider: { instanceRef: { name: 'pg' } }, writeConnectionSecretToRef: { name: 'late-conn' } },
      { 'crossplane.io/external-name': user },
    );
    await p.ready('DatabaseUser', 'late');
    await p.ready('DatabaseGrant', 'early', 4000);
    await p.delete('DatabaseGrant', 'early');
    await p.gone('DatabaseGrant', 'early');
    await p.delete('DatabaseUser', 'late');
    await p.gone('DatabaseUser', 'late');
  });

  it('holds a grant while its user exists but is not Ready, sending no GRANT', async () => {
    const user = `pending_${tag}`;
    // Two references: the database turns Ready while the user still waits, so the grant is woken only by
    // the user's turn, the moment both are Ready.
    const database = `pending_db_${tag}`;
    await p.create(
      'Database',
      'pending-db',
      { forProvider: { instanceRef: { name: 'pg' } } },
      { 'crossplane.io/external-name': database },
    );
    await p.create(
      'DatabaseUser',
      'pending',
      {
        forProvider: {
          instanceRef: { name: 'pg' },
          passwordSecretRef: { name: 'pending-pw', key: 'password' },
        },
        writeConnectionSecretToRef: { name: 'pending-conn' },
      },
      { 'crossplane.io/external-name': user },
    );
    await p.create('DatabaseGrant', 'waits', {
      forProvider: {
        instanceRef: { name: 'pg' },
        userRef: { name: 'pending' },
        databaseRef: { name: 'pending-db' },
        postgres: { database: { privileges: ['CONNECT'] } },
      },
    });
    await p.ready('Database', 'pending-db');
    await p.condition(
      'DatabaseGrant',
      'waits',
      'Synced',
      'False',
      /DatabaseUser [a-z0-9-]+\/pending is not Ready yet/,
    );
    assert.deepEqual(await asAdmin('postgres', 'SELECT 1 FROM pg_roles WHERE rolname = $1', [user]), []);
    await p.secret('pending-pw', { password: 'pending-Passw0rd' });
    await p.ready('DatabaseUser', 'pending');
    await p.ready('DatabaseGrant', 'waits', 4000);
    const [row] = await asAdmin<{ ok: boolean }>(
      'postgres',
      "SELECT has_database_privilege($1, datname, 'CONNECT') AS ok FROM pg_database WHERE datname = $2",
      [user, database],
    );
    assert.equal(row?.ok, true);
    await p.delete('DatabaseGrant', 'waits');
    await p.gone('DatabaseGrant', 'waits');
    await p.delete('DatabaseUser', 'pending');
    await p.gone('DatabaseUser', 'pending');
    await p.delete('Database', 'pending-db');
    await p.gone('Database', 'pending-db');
  });

  it('refuses a connection Secret that is not its own before creating the user, and leaves it untouched', async () => {
    await p.secret('taken', { password: 'keep me' });
    const name = `taken_user_${tag}`;
    await p.create(
      'DatabaseUser',
      'taken',
      { forProvider: { instanceRef: { name: 'pg' } }, writeConnectionSecretToRef: { name: 'taken' } },
      { 'crossplane.io/external-name': name },
    );
    await p.condition(
      'DatabaseUser',
      'taken',
      'Synced',
      'False',
      /refusing to modify uncontrolled secret taken/,
    );
    const roles = await asAdmin('postgres', 'SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    assert.equal(roles.length, 0, 'no role was created');
    assert.deepEqual(await p.secretData('taken'), { password: 'keep me' });
  });

  it('applied all at once, reaches Ready, then idle polls write nothing to the objects', async () => {
    const names = { database: `idle_db_${tag}`, user: `idle_user_${tag}` };
    // Grant first: it waits for the other two, the order a `kubectl apply -f dir/` may well take.
    await p.create('DatabaseGrant', 'idle-grant', {
      forProvider: {
        instanceRef: { name: 'pg' },
        userRef: { name: 'idle-user' },
        databaseRef: { name: 'idle-db' },
        postgres: { database: { privileges: ['CONNECT'] } },
      },
    });
    await p.create(
      'DatabaseUser',
      'idle-user',
      {
        forProvider: { instanceRef: { name: 'pg' } },
        writeConnectionSecretToRef: { name: 'idle-user' },
      },
      { 'crossplane.io/external-name': names.user },
    );
    await p.create(
      'Database',
      'idle-db',
      { forProvider: { instanceRef: { name: 'pg' } } },
      {
        'crossplane.io/external-name': names.database,
      },
    );
    const kinds = [
      ['DatabaseGrant', 'idle-grant'],
      ['DatabaseUser', 'idle-user'],
      ['Database', 'idle-db'],
    ] as const;
    for (const [kind, name] of kinds) await p.ready(kind, name);
    const versions = async () =>
      Promise.all(kinds.map(async ([kind, name]) => (await p.get(kind, name))?.metadata.resourceVersion));
    // A moment for anything still in flight, then three polls (1.5 s apart) that must change nothing.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = await versions();
    await new Promise((resolve) => setTimeout(resolve, 4500));
    assert.deepEqual(await versions(), before);
  });

  it("makes a role of its namespace the owner, joining it as a DBA would, and refuses the server's own roles", async () => {
    const owner = `owned_by_${tag}`;
    await p.create(
      'DatabaseUser',
      'owner',
      { forProvider: { instanceRef: { name: 'pg' } }, writeConnectionSecretToRef: { name: 'owner-login' } },
      { 'crossplane.io/external-name': owner },
    );
    await p.ready('DatabaseUser', 'owner');
    const memberBefore = await asAdmin<{ member: boolean }>(
      'postgres',
      "SELECT pg_has_role(current_user, $1, 'MEMBER') AS member",
      [owner],
    );
    assert.equal(memberBefore[0]?.member, false, 'the admin login starts outside the role');
    const cases = [
      { name: 'owned', db: `owned_${tag}`, owner, refusal: undefined },
      {
        name: 'superuser-owned',
        db: `super_${tag}`,
        owner: 'postgres',
        refusal: /owner "postgres" is protected/,
      },
      {
        name: 'predefined-owned',
        db: `predef_${tag}`,
        owner: 'pg_write_server_files',
        refusal: /owner "pg_write_server_files" is protected/,
      },
    ];
    for (const tc of cases) {
      await p.create(
        'Database',
        tc.name,
        { forProvider: { instanceRef: { name: 'pg' }, postgres: { owner: tc.owner } } },
        { 'crossplane.io/external-name': tc.db },
      );
    }
    await p.ready('Database', 'owned');
    const rows = await asAdmin<{ owner: string }>(
      'postgres',
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [`owned_${tag}`],
    );
    assert.equal(rows[0]?.owner, owner);
    for (const tc of cases.filter((c) => c.refusal !== undefined)) {
      await p.condition('Database', tc.name, 'Synced', 'False', tc.refusal);
      assert.equal(await databaseExists(tc.db), false, `${tc.db} must not be created`);
    }
    for (const tc of cases) await p.delete('Database', tc.name);
    for (const tc of cases) await p.gone('Database', tc.name);
    await p.delete('DatabaseUser', 'owner');
    await p.gone('DatabaseUser', 'owner');
  });

  it('refuses bad input with a clear condition and sends nothing to the server', async () => {
    const long = `x${'y'.repeat(70)}`;
    await p.create(
      'Database',
      'too-long',
      { forProvider: { instanceRef: { name: 'pg' } } },
      {
        'crossplane.io/external-name': long,
      },
    );
    await p.create('Database', 'wrong-engine', {
      forProvider: { instanceRef: { name: 'pg' }, mysql: { charset: 'utf8mb4' } },
    });
    await p.create('Database', 'missing-instance', { forProvider: { instanceRef: { name: 'nope' } } });
    await p.create(
      'Database',
      'hostile',
      { forProvider: { instanceRef: { name: 'pg' } } },
      {
        'crossplane.io/external-name': `h"; DROP DATABASE postgres; --${tag}`,
      },
    );
    for (const reserved of ['pg_monitor', 'public', 'current_user']) {
      await p.create(
        'DatabaseRole',
        `reserved-${reserved.replace('_', '-')}`,
        { forProvider: { instanceRef: { name: 'pg' } } },
        { 'crossplane.io/external-name': reserved },
      );
    }
    await p.condition('Database', 'too-long', 'Synced', 'False', /at most 63/);
    for (const reserved of ['pg_monitor', 'public', 'current_user']) {
      const name = `reserved-${reserved.replace('_', '-')}`;
      await p.condition('DatabaseRole', name, 'Synced', 'False', /is protected: .*reserve/);
      await p.delete('DatabaseRole', name);
      await p.gone('DatabaseRole', name);
    }
    await p.condition(
      'Database',
      'wrong-engine',
      'Synced',
      'False',
      /forProvider.mysql applies to mysql and mariadb/,
    );
    await p.condition(
      'Database',
      'missing-instance',
      'Synced',
      'False',
      /DatabaseInstance .*\/nope not found/,
    );
    await p.ready('Database', 'hostile');
    assert.equal(await databaseExists(`h"; DROP DATABASE postgres; --${tag}`), true);
    assert.equal(await databaseExists('postgres'), true);
    assert.ok((await p.warnings('wrong-engine')).some((m) => /forProvider.mysql applies/.test(m)));
    for (const name of ['too-long', 'wrong-engine', 'missing-instance', 'hostile'])
      await p.delete('Database', name);
    for (const name of ['too-long', 'wrong-engine', 'missing-instance', 'hostile'])
      await p.gone('Database', name);
    assert.equal(await databaseExists(long.slice(0, 63)), false);
  });
});

describe('a PostgreSQL outage', () => {
  let server: PostgresServer;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server.stop();
  });

  it('turns the instance Ready=False with the reason, makes dependants say why, and recovers every kind', async () => {
    await p.instance('flaky', 'postgres', server.admin);
    await p.ready('DatabaseInstance', 'flaky');
    const onFlaky = { forProvider: { instanceRef: { name: 'flaky' } } };
    await p.create('Database', 'on-flaky', onFlaky);
    await p.create('DatabaseRole', 'role-on-flaky', onFlaky);
    await p.create('DatabaseUser', 'user-on-flaky', {
      ...onFlaky,
      writeConnectionSecretToRef: { name: 'user-on-flaky' },
    });
    await p.ready('Database', 'on-flaky');
    await p.ready('DatabaseRole', 'role-on-flaky');
    await p.ready('DatabaseUser', 'user-on-flaky');

    await server.halt();
    const haltedAt = Date.now() / 1000;
    // Reconciled at once, while the instance still looks Ready: their catalog reads meet the refused
    // connection themselves, and must not keep that error once the server is back.
    await p.patchSpec('DatabaseRole', 'role-on-flaky', { forProvider: { postgres: { connectionLimit: 3 } } });
    await p.patchSpec('DatabaseUser', 'user-on-flaky', { forProvider: { postgres: { connectionLimit: 3 } } });
    await p.condition('DatabaseInstance', 'flaky', 'Ready', 'False', /ECONNREFUSED|connect/);
    // The failed check is a check: the gauge the "time since last health check" panel reads moves on.
    const lastCheck = (await p.samples('dbops_instance_last_health_check_timestamp_seconds')).find(
      (sample) => sample.labels['instance'] === 'flaky',
    );
    assert.ok((lastCheck?.value ?? 0) >= Math.floor(haltedAt), JSON.stringify(lastCheck));
    // Down is Failed, not Pending: dashboards and ResourceStuckPending must not count it as on its way.
    await eventually('the instance phase Failed', async () =>
      (await p.get('DatabaseInstance', 'flaky'))?.status?.['phase'] === 'Failed' ? true : undefined,
    );
    await p.patchSpec('Database', 'on-flaky', { forProvider: { postgres: { connectionLimit: 4 } } });
    await p.condition('Database', 'on-flaky', 'Synced', 'False', /DatabaseInstance .*\/flaky is unavailable/);

    await server.resume();
    await p.ready('DatabaseInstance', 'flaky', 60_000);
    await p.ready('Database', 'on-flaky', 60_000);
    await p.ready('DatabaseRole', 'role-on-flaky', 60_000);
    await p.ready('DatabaseUser', 'user-on-flaky', 60_000);
    // Objects created after the outage reach the server too (catalog reads must not replay the old error).
    await p.create('Database', 'after-flaky', onFlaky);
    await p.create('DatabaseRole', 'role-after-flaky', onFlaky);
    await p.ready('Database', 'after-flaky', 60_000);
    await p.ready('DatabaseRole', 'role-after-flaky', 60_000);
    await eventually('connection limit 4 applied after recovery', async () => {
      const client = new pg.Client({ ...server.admin, database: 'postgres' });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>(
          "SELECT datconnlimit AS n FROM pg_database WHERE datname = 'on-flaky'",
        );
        return rows[0]?.n === 4 ? true : undefined;
      } finally {
        await client.end();
      }
    });
    const created = [
      ['Database', 'on-flaky'],
      ['Database', 'after-flaky'],
      ['DatabaseRole', 'role-on-flaky'],
      ['DatabaseRole', 'role-after-flaky'],
      ['DatabaseUser', 'user-on-flaky'],
    ] as const;
    for (const [kind, name] of created) await p.delete(kind, name);
    for (const [kind, name] of created) await p.gone(kind, name);
    await p.delete('DatabaseInstance', 'flaky');
    await p.gone('DatabaseInstance', 'flaky');
  });
});

describe('dependants created with what they depend on', () => {
  // A poll far longer than the test: whatever happens here is the dependency wiring's doing, not the poll's.
  let slow: Provider;
  before(async () => {
    slow = await startProvider('pg-deps', { pollMs: 120_000 });
    await slow.instance('pg', 'postgres', admin);
    await slow.ready('DatabaseInstance', 'pg');
    await grantsTarget(slow, slowGrantsDb);
    await slow.ready('Database', 'grants-target');
  });
  after(async () => {
    await slow.stop();
  });

  it('holds a new grant until its user turns Ready, then reconciles it at once', async () => {
    const user = `held_${tag}`;
    await slow.create(
      'DatabaseUser',
      'later',
      {
        forProvider: {
          instanceRef: { name: 'pg' },
          passwordSecretRef: { name: 'later-pw', key: 'password' },
        },
      },
      { 'crossplane.io/external-name': user },
    );
    await slow.condition('DatabaseUser', 'later', 'Synced', 'False', /later-pw/);
    await slow.create('DatabaseGrant', 'held', {
      forProvider: {
        instanceRef: { name: 'pg' },
        userRef: { name: 'later' },
        database: slowGrantsDb,
        postgres: { database: { privileges: ['CONNECT'] } },
      },
    });
    // Its first reconcile could only say "not Ready yet": it is not spent.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await slow.get('DatabaseGrant', 'held'))?.status?.conditions, undefined);

    await slow.secret('later-pw', { password: 'later-Passw0rd' });
    await slow.ready('DatabaseUser', 'later', 20_000);
    await slow.ready('DatabaseGrant', 'held', 5_000);
    assert.deepEqual(await slow.warnings('held'), [], 'no wait was reported');
    const [row] = await asAdmin<{ ok: boolean }>(
      'postgres',
      "SELECT has_database_privilege($1, $2, 'CONNECT') AS ok",
      [user, slowGrantsDb],
    );
    assert.equal(row?.ok, true);
    await slow.delete('DatabaseGrant', 'held');
    await slow.gone('DatabaseGrant', 'held');
    await slow.delete('DatabaseUser', 'later');
    await slow.gone('DatabaseUser', 'later');
  });

  it('takes a grant applied before its user to Ready without a single warning', async () => {
    const user = `second_${tag}`;
    await slow.create('DatabaseGrant', 'first', {
      forProvider: {
        instanceRef: { name: 'pg' },
        userRef: { name: 'second' },
        database: slowGrantsDb,
        postgres: { database: { privileges: ['CONNECT'] } },
      },
    });
    // The user arrives a moment later, as from the next document of the same apply.
    await new Promise((r) => setTimeout(r, 1000));
    await slow.create(
      'DatabaseUser',
      'second',
      { forProvider: { instanceRef: { name: 'pg' } }, writeConnectionSecretToRef: { name: 'second-conn' } },
      { 'crossplane.io/external-name': user },
    );
    await slow.ready('DatabaseGrant', 'first', 15_000);
    assert.deepEqual(
      await slow.warnings('first'),
      [],
      'neither "not found" nor "not Ready yet" was reported',
    );
    await slow.delete('DatabaseGrant', 'first');
    await slow.gone('DatabaseGrant', 'first');
    await slow.delete('DatabaseUser', 'second');
    await slow.gone('DatabaseUser', 'second');
  });
});
