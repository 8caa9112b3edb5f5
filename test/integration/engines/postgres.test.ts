// The PostgreSQL engine against the harness's real PostgreSQL 15, logged in as a non-superuser with CREATEDB
// and CREATEROLE. Names carry the process id: the server is shared by every test file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { InvalidNameError, type ConnectionSettings, type Engine } from '../../../src/engines/engine.ts';
import { createPostgresEngine } from '../../../src/engines/postgres/engine.ts';
import { scramVerifier } from '../../../src/engines/postgres/scram.ts';
import type { DatabaseGrantParameters } from '../../../src/apis/database-grant.ts';
import { useTestEnvironment, type TestEnvironment } from '../../harness/environment.ts';
import { startPostgres, type PostgresServer } from '../../harness/postgres.ts';
import { requireTool } from '../../harness/tools.ts';
import { eventually } from '../../harness/wait.ts';
import {
  applicationName,
  asAdmin,
  asUser,
  countStatements,
  record,
  settingsFor,
  suffix,
} from './postgres-support.ts';

let env: TestEnvironment;
let engine: Engine;

before(async () => {
  env = await useTestEnvironment();
  engine = createPostgresEngine(settingsFor(env));
});

after(async () => {
  await engine.close();
});

const grantRef = { instanceRef: { name: 'pg' } };

describe('postgres engine: connection and names', () => {
  it('pings the server and reports its version', async () => {
    const { version } = await engine.ping();
    assert.match(version, /^15\./);
  });

  it('refuses names PostgreSQL would truncate or cannot store, before connecting', async () => {
    // A wrong password proves that no connection (and so no statement) is attempted.
    const offline = createPostgresEngine(settingsFor(env, { password: 'wrong' }));
    try {
      const long = 'é'.repeat(32); // 64 bytes in UTF-8
      await assert.rejects(offline.observeDatabase(long, grantRef), InvalidNameError);
      await assert.rejects(offline.createDatabase('a\0b', grantRef, record('a')), InvalidNameError);
      await assert.rejects(
        offline.createUser(long, grantRef, { password: 'pw', owner: record(long) }),
        /at most 63/,
      );
      await assert.rejects(
        offline.observeGrant(
          { kind: 'user', name: 'u' },
          { ...grantRef, database: long, memberOf: [] },
          undefined,
        ),
        InvalidNameError,
      );
      // An ownership record PostgreSQL cannot store, or an empty one (which would erase a record), too.
      await assert.rejects(offline.createRole('r', grantRef, 'a\0b'), /must not contain a NUL/);
      await assert.rejects(offline.recordOwner('database', 'd', ''), /must not be empty/);
      await assert.rejects(offline.readOwners('account', ['r', 'a\0b']), InvalidNameError);
    } finally {
      await offline.close();
    }
  });

  it('names its own admin login and administrative database as never managed, without connecting', async () => {
    const offline = createPostgresEngine(
      settingsFor(env, { password: 'wrong', user: 'Ops_Login', database: 'ops_admin' }),
    );
    try {
      assert.equal(
        offline.systemName('account', 'ops_login'),
        '"ops_login" is the admin login this provider connects as',
      );
      assert.equal(
        offline.systemName('database', 'OPS_ADMIN'),
        '"OPS_ADMIN" is the administrative database this provider connects to',
      );
      assert.equal(offline.systemName('database', 'orders'), undefined);
    } finally {
      await offline.close();
    }
  });

  it('creates and drops a database whose name is hostile SQL, as a plain name', async () => {
    const name = `x"; DROP DATABASE postgres; -- ${suffix}`;
    await engine.createDatabase(name, grantRef, record(name));
    const observed = await engine.observeDatabase(name, grantRef);
    assert.equal(observed.exists, true);
    await engine.dropDatabase(name);
    assert.equal((await engine.observeDatabase(name, grantRef)).exists, false);
    assert.equal((await engine.observeDatabase('postgres', grantRef)).exists, true);
  });

  it('reports a wrong password clearly and without the password', async () => {
    const bad = createPostgresEngine(settingsFor(env, { password: 'not-the-password' }));
    try {
      await assert.rejects(bad.ping(), (err: Error) => {
        assert.match(err.message, /authentication failed/);
        assert.doesNotMatch(err.message, /not-the-password/);
        return true;
      });
    } finally {
      await bad.close();
    }
  });
});

describe('postgres engine: databases', () => {
  const name = `db_${suffix}`;

  after(async () => {
    await engine.dropDatabase(name);
  });

  it('creates a database with settings, extensions and schemas, and observes it up to date', async () => {
    const desired = {
      ...grantRef,
      postgres: {
        connectionLimit: 5,
        encoding: 'UTF8',
        template: 'template0',
        extensions: [{ name: 'pgcrypto' }, { name: 'citext' }, { name: 'hstore', version: '1.7' }],
        schemas: [{ name: 'app' }],
      },
    };
    await engine.createDatabase(name, desired, record(name));
    const observed = await engine.observeDatabase(name, desired);
    assert.equal(observed.exists, true);
    assert.deepEqual(observed.differences, []);
    assert.equal(observed.state?.['connectionLimit'], 5);
    assert.equal(observed.state['encoding'], 'UTF8');
    assert.ok((observed.state.sizeBytes ?? 0) > 0);
    const extensions = observed.state['extensions'] as { name: string; version: string }[];
    assert.deepEqual(extensions.map((e) => e.name).sort(), ['citext', 'hstore', 'pgcrypto', 'plpgsql']);
    assert.equal(extensions.find((e) => e.name === 'hstore')?.version, '1.7');
  });

  it('reports and applies only what differs, including an extension update', async () => {
    const desired = {
      ...grantRef,
      postgres: {
        connectionLimit: 20,
        extensions: [{ name: 'pgcrypto' }, { name: 'citext' }, { name: 'hstore', version: '1.8' }],
        schemas: [{ name: 'app' }, { name: 'reports' }],
      },
    };
    const before = await engine.observeDatabase(name, desired);
    assert.deepEqual(before.differences, [
      'connection limit 5 → 20',
      'schema reports missing',
      'extension hstore version 1.7 → 1.8',
    ]);
    await engine.updateDatabase(name, desired);
    assert.deepEqual((await engine.observeDatabase(name, desired)).differences, []);
  });

  it('detects drift made by hand and reverts it', async () => {
    const desired = { ...grantRef, postgres: { connectionLimit: 20 } };
    await asAdmin(env, 'postgres', (c) =>
      c.query(`ALTER DATABASE "${name}" CONNECTION LIMIT 3 IS_TEMPLATE true`),
    );
    assert.deepEqual((await engine.observeDatabase(name, desired)).differences, [
      'connection limit 3 → 20',
      'is template true → false',
    ]);
    await engine.updateDatabase(name, desired);
    assert.deepEqual((await engine.observeDatabase(name, desired)).differences, []);
  });

  it('drops a database that has sessions, and treats a missing one as dropped', async () => {
    const session = new pg.Client({ ...env.postgres.admin, database: name });
    await session.connect();
    // The drop terminates this session; the client reports that as an error event.
    session.on('error', () => undefined);
    await engine.dropDatabase(name);
    await session.end().catch(() => undefined);
    assert.equal((await engine.observeDatabase(name, grantRef)).exists, false);
    await engine.dropDatabase(name);
  });
});

describe('postgres engine: users and roles', () => {
  const user = `user_${suffix}`;
  const role = `role_${suffix}`;
  const password = `pw'"\\; ${suffix}`;

  after(async () => {
    await engine.dropUser(user, grantRef);
    await engine.dropRole(role);
  });

  it('creates a role and a user who is a member of it, with settings, and the user can log in', async () => {
    await engine.createRole(role, { ...grantRef, postgres: { createDB: true } }, record(role));
    assert.deepEqual(
      (await engine.observeRole(role, { ...grantRef, postgres: { createDB: true } })).differences,
      [],
    );
    const desired = {
      ...grantRef,
      postgres: {
        connectionLimit: 2,
        inRoles: [role],
        configParameters: { statement_timeout: '5s', search_path: '"$user", public' },
      },
    };
    await engine.createUser(user, desired, { password: password, owner: record(user) });
    const observed = await engine.observeUser(user, desired);
    assert.deepEqual(observed.differences, []);
    assert.deepEqual(observed.state?.['memberOf'], [role]);
    const who = await asUser(env, { user, password, database: 'postgres' }, async (c) => {
      const { rows } = await c.query<{ u: string; t: string }>(
        "SELECT current_user AS u, current_setting('statement_timeout') AS t",
      );
      return rows[0];
    });
    assert.deepEqual(who, { u: user, t: '5s' });
  });

  it('changes attributes and limits, and reverts drift made by hand', async () => {
    const desired = { ...grantRef, postgres: { connectionLimit: 3, createDB: true, inRoles: [role] } };
    assert.deepEqual((await engine.observeUser(user, desired)).differences, [
      'createDB false → true, connection limit 2 → 3',
      'setting statement_timeout 5s → unset',
      'setting search_path "$user", public → unset',
    ]);
    await engine.updateUser(user, desired);
    assert.deepEqual((await engine.observeUser(user, desired)).differences, []);
    await asAdmin(env, 'postgres', (c) =>
      c.query(`ALTER ROLE "${user}" NOCREATEDB VALID UNTIL '2031-01-01Z'`),
    );
    assert.deepEqual((await engine.observeUser(user, desired)).differences, [
      'createDB false → true, valid until 2031-01-01T00:00:00.000Z → never',
    ]);
    await engine.updateUser(user, desired);
    assert.deepEqual((await engine.observeUser(user, desired)).differences, []);
  });

  it('sets a new password, and the old one stops working', async () => {
    const next = `new-${password}`;
    await engine.setPassword(user, grantRef, next);
    await asUser(env, { user, password: next, database: 'postgres' }, (c) => c.query('SELECT 1'));
    await assert.rejects(asUser(env, { user, password, database: 'postgres' }, (c) => c.query('SELECT 1')));
  });

  it('reports a superuser the admin may not create, without the password', async () => {
    const secret = `secret-${suffix}`;
    await assert.rejects(
      engine.createUser(
        `super_${suffix}`,
        { ...grantRef, postgres: { superuser: true } },
        { password: secret, owner: record('super') },
      ),
      (err: Error) => {
        assert.match(err.message, /lacks the privilege.*superuser/s);
        assert.doesNotMatch(err.message, new RegExp(secret));
        return true;
      },
    );
  });
});

describe('postgres engine: ownership records', () => {
  const role = `own_role_${suffix}`;
  const user = `own_user_${suffix}`;
  const db = `own_db_${suffix}`;
  const bareRole = `own_bare_role_${suffix}`;
  const bareDb = `own_bare_db_${suffix}`;
  const password = `own-pw-${suffix}`;

  before(async () => {
    // Made by hand, as a DBA would: they exist without a record.
    await asAdmin(env, 'postgres', async (c) => {
      await c.query(`CREATE ROLE "${bareRole}"`);
      await c.query(`CREATE DATABASE "${bareDb}"`);
    });
  });

  after(async () => {
    for (const name of [db, bareDb]) await engine.dropDatabase(name);
    for (const name of [user, role, bareRole]) await engine.dropRole(name);
  });

  it('observes the record written at create, for a role, a user and a database another role owns', async () => {
    await engine.createRole(role, grantRef, record(role));
    await engine.createUser(user, grantRef, { password: password, owner: record(user) });
    // The admin may comment on a database it does not own only through membership in its owner role.
    await engine.createDatabase(db, { ...grantRef, postgres: { owner: role } }, record(db));
    const observed = [
      await engine.observeRole(role, grantRef),
      await engine.observeUser(user, grantRef),
      await engine.observeDatabase(db, { ...grantRef, postgres: { owner: role } }),
    ];
    assert.deepEqual(
      observed.map((o) => [o.owner, o.system, o.differences]),
      [
        [record(role), undefined, []],
        [record(user), undefined, []],
        [record(db), undefined, []],
      ],
    );
    // The record is not part of the state published in status.atProvider.
    assert.equal(Object.values(observed[2]?.state ?? {}).includes(record(db)), false);
  });

  it('observes no record on objects made by hand', async () => {
    assert.equal((await engine.observeRole(bareRole, grantRef)).owner, undefined);
    assert.equal((await engine.observeDatabase(bareDb, grantRef)).owner, undefined);
  });

  it('reads the records of many names in one statement: only those that exist and have one', async () => {
    const missing = `own_missing_${suffix}`;
    let accounts = new Map<string, string>();
    const statements = await countStatements(async () => {
      accounts = await engine.readOwners('account', [role, bareRole, missing, user]);
    });
    const databases = await engine.readOwners('database', [bareDb, db, missing]);
    assert.equal(statements.length, 1, statements.join('\n'));
    assert.deepEqual(
      accounts,
      new Map([
        [role, record(role)],
        [user, record(user)],
      ]),
    );
    assert.deepEqual(databases, new Map([[db, record(db)]]));
    assert.equal(
      (await countStatements(() => engine.readOwners('database', []))).length,
      0,
      'no names, no statement',
    );
  });

  it('replaces a record, and adopts an object made by hand, with the record verbatim', async () => {
    // Quotes, a backslash and a statement separator are all just characters of the record.
    const next = `it's "moved" \\ to team-b; DROP ROLE x -- ${suffix}`;
    await engine.recordOwner('account', role, next);
    await engine.recordOwner('database', bareDb, record(bareDb));
    await engine.recordOwner('account', bareRole, record(bareRole));
    assert.equal((await engine.observeRole(role, grantRef)).owner, next);
    assert.equal((await engine.observeDatabase(bareDb, grantRef)).owner, record(bareDb));
    assert.equal((await engine.observeRole(bareRole, grantRef)).owner, record(bareRole));
    await engine.recordOwner('account', role, record(role));
  });

  it('reports a record on an object that does not exist as missing', async () => {
    await assert.rejects(
      engine.recordOwner('account', `own_missing_${suffix}`, record('missing')),
      /record the owner of role own_missing_\d+: an object named in the spec does not exist/,
    );
  });

  it('refuses to create what exists, says so, and leaves its record and password alone', async () => {
    const other = 'managed by provider-dbops: someone else';
    const otherPassword = `other-pw-${suffix}`;
    await assert.rejects(engine.createDatabase(db, grantRef, other), /create database .*already exists/);
    await assert.rejects(engine.createRole(role, grantRef, other), /create role .*already exists/);
    await assert.rejects(
      engine.createUser(user, grantRef, { password: otherPassword, owner: other }),
      (err: Error) => {
        assert.match(err.message, /create role .*already exists/);
        assert.doesNotMatch(err.message, new RegExp(otherPassword));
        return true;
      },
    );
    await assert.rejects(engine.createDatabase(bareDb, grantRef, other), /already exists/);
    assert.deepEqual(
      await engine.readOwners('account', [role, user]),
      new Map([
        [role, record(role)],
        [user, record(user)],
      ]),
    );
    assert.equal((await engine.observeDatabase(db, grantRef)).owner, record(db));
    assert.equal((await engine.observeDatabase(bareDb, grantRef)).owner, record(bareDb));
    // The failed create did not set its password (the old adopt-on-duplicate path did).
    await asUser(env, { user, password, database: 'postgres' }, (c) => c.query('SELECT 1'));
  });

  it('marks the bootstrap superuser as the server’s own, whatever it is called', async () => {
    const bootstrap = await asAdmin(env, 'postgres', async (c) => {
      const { rows } = await c.query<{ name: string }>('SELECT rolname AS name FROM pg_roles WHERE oid = 10');
      return rows[0]?.name ?? '';
    });
    assert.equal(
      (await engine.observeRole(bootstrap, grantRef)).system,
      `role "${bootstrap}" is the bootstrap superuser of this server`,
    );
    assert.equal((await engine.observeRole(role, grantRef)).system, undefined);
  });

  it('creates nothing when the record cannot be written: the role in the same transaction, the database dropped again', async () => {
    // A real failure after CREATE succeeded: an admin database in LATIN1 cannot hold a CJK character, and
    // the server converts each statement into its encoding (22P05) when it arrives.
    const latin = `own_latin1_${suffix}`;
    const doomedRole = `own_doomed_role_${suffix}`;
    const doomedDb = `own_doomed_db_${suffix}`;
    await asAdmin(env, 'postgres', (c) =>
      c.query(`CREATE DATABASE "${latin}" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`),
    );
    const inLatin1 = createPostgresEngine(settingsFor(env, { database: latin }));
    const unstorable = 'managed by provider-dbops: 注文';
    try {
      const statements = await countStatements(async () => {
        await assert.rejects(
          inLatin1.createRole(doomedRole, grantRef, unstorable),
          /create role own_doomed_role_\d+: .*SQLSTATE 22P05/,
        );
      });
      assert.ok(
        statements.some((s) => s.startsWith('CREATE ROLE')),
        'the role was created before the record failed',
      );
      await assert.rejects(
        inLatin1.createDatabase(doomedDb, grantRef, unstorable),
        /create database own_doomed_db_\d+: writing its ownership record failed, so it was dropped again: .*22P05/,
      );
      assert.equal((await engine.observeRole(doomedRole, grantRef)).exists, false);
      assert.equal((await engine.observeDatabase(doomedDb, grantRef)).exists, false);
    } finally {
      await inLatin1.close();
      await engine.dropRole(doomedRole);
      await engine.dropDatabase(doomedDb);
      await engine.dropDatabase(latin);
    }
  });

  it('drops a record with its object', async () => {
    await engine.dropRole(bareRole);
    await asAdmin(env, 'postgres', (c) => c.query(`CREATE ROLE "${bareRole}"`));
    assert.deepEqual(await engine.readOwners('account', [bareRole]), new Map());
  });
});

describe('postgres engine: grants', () => {
  const db = `grants_${suffix}`;
  const user = `grantee_${suffix}`;
  const role = `granted_${suffix}`;
  const password = `pw-${suffix}`;
  const grantee = { kind: 'user' as const, name: user };
  const admin = () => env.postgres.admin.user;
  const desired = (privileges: string[]): DatabaseGrantParameters => ({
    ...grantRef,
    database: db,
    memberOf: [{ role, withAdminOption: true }],
    postgres: {
      database: { privileges: ['CONNECT'] },
      schemas: [
        { name: 'public', privileges: ['USAGE'] },
        { name: 'app', privileges: ['USAGE'] },
      ],
      tables: [
        { schema: 'public', names: ['t1'], privileges: privileges as ['SELECT'] },
        { schema: 'app', allInSchema: true, privileges: ['SELECT'] },
      ],
      sequences: [{ schema: 'public', names: ['s1'], privileges: ['USAGE'] }],
      functions: [{ schema: 'public', names: ['add(integer, integer)'], privileges: ['EXECUTE'] }],
      defaultPrivileges: [
        { forRole: admin(), schema: 'public', objectType: 'tables', privileges: ['SELECT'] },
      ],
    },
  });
  let applied: Awaited<ReturnType<Engine['applyGrant']>>;
  const login = () => ({ user, password, database: db });
  const can = (sql: string) =>
    asUser(env, login(), (c) => c.query(sql)).then(
      () => true,
      (err: unknown) => {
        if ((err as { code?: string }).code !== '42501') throw err;
        return false;
      },
    );

  before(async () => {
    await engine.createDatabase(db, { ...grantRef, postgres: { schemas: [{ name: 'app' }] } }, record(db));
    await engine.createRole(role, grantRef, record(role));
    await engine.createUser(user, grantRef, { password: password, owner: record(user) });
    await asAdmin(env, db, (c) =>
      c.query(`REVOKE ALL ON DATABASE "${db}" FROM PUBLIC;
               REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
               CREATE TABLE public.t1 (id int); CREATE TABLE public.t2 (id int);
               CREATE TABLE app.a1 (id int); CREATE SEQUENCE public.s1;
               CREATE FUNCTION public.add(a integer, b integer) RETURNS integer LANGUAGE sql AS 'SELECT a + b';
               REVOKE EXECUTE ON FUNCTION public.add(integer, integer) FROM PUBLIC`),
    );
  });

  after(async () => {
    // The grantee's test sessions are closed, but their server processes may still be exiting, and the admin
    // login may not end another role's sessions: DROP succeeds once they are gone.
    await eventually('the grants database dropped', () => engine.dropDatabase(db).then(() => true), 10_000);
    await engine.dropUser(user, grantRef);
    await engine.dropRole(role);
  });

  it('grants what the spec lists; the user can do exactly that', async () => {
    const before = await engine.observeGrant(grantee, desired(['SELECT', 'INSERT']), undefined);
    assert.equal(before.exists, false);
    assert.ok(before.differences.includes(`missing SELECT ON TABLE public.t1 IN DATABASE ${db}`));
    applied = await engine.applyGrant(grantee, desired(['SELECT', 'INSERT']), undefined);
    assert.ok(applied.privileges.includes(`CONNECT ON DATABASE ${db}`));
    assert.deepEqual(applied.memberOf, [`${role} WITH ADMIN OPTION`]);
    assert.equal(await can('SELECT * FROM public.t1'), true);
    assert.equal(await can('INSERT INTO public.t1 VALUES (1)'), true);
    assert.equal(await can('SELECT * FROM app.a1'), true);
    assert.equal(await can("SELECT nextval('public.s1')"), true);
    assert.equal(await can('SELECT public.add(1, 2)'), true);
    assert.equal(await can('DELETE FROM public.t1'), false);
    assert.equal(await can('SELECT * FROM public.t2'), false);
    // Default privileges: a table the admin creates later is readable.
    await asAdmin(env, db, (c) => c.query('CREATE TABLE public.later (id int)'));
    assert.equal(await can('SELECT * FROM public.later'), true);
  });

  it('observes an up-to-date grant in one statement and applies it without writing', async () => {
    const spec = desired(['SELECT', 'INSERT']);
    let observed: Awaited<ReturnType<Engine['observeGrant']>> | undefined;
    const observeStatements = await countStatements(async () => {
      observed = await engine.observeGrant(grantee, spec, applied);
    });
    assert.deepEqual(observed?.differences, []);
    assert.deepEqual(observed.state, applied);
    assert.equal(observeStatements.length, 1);
    const applyStatements = await countStatements(() => engine.applyGrant(grantee, spec, applied));
    assert.equal(applyStatements.length, 1, applyStatements.join('\n'));
  });

  it('revokes a privilege removed from the spec', async () => {
    const spec = desired(['SELECT']);
    const observed = await engine.observeGrant(grantee, spec, applied);
    assert.deepEqual(observed.differences, [`unwanted INSERT ON TABLE public.t1 IN DATABASE ${db}`]);
    applied = await engine.applyGrant(grantee, spec, applied);
    assert.equal(await can('INSERT INTO public.t1 VALUES (1)'), false);
    assert.equal(await can('SELECT * FROM public.t1'), true);
    assert.deepEqual((await engine.observeGrant(grantee, spec, applied)).differences, []);
  });

  it('detects privileges revoked or added by hand, and a table created later in an ALL IN SCHEMA scope', async () => {
    const spec = desired(['SELECT']);
    await asAdmin(env, db, (c) =>
      c.query(`REVOKE SELECT ON public.t1 FROM "${user}"; GRANT DELETE ON public.t1 TO "${user}";
               CREATE TABLE app.a2 (id int); REVOKE "${role}" FROM "${user}"`),
    );
    const observed = await engine.observeGrant(grantee, spec, applied);
    assert.deepEqual(observed.differences.sort(), [
      `missing SELECT ON TABLE app.a2 IN DATABASE ${db}`,
      `missing SELECT ON TABLE public.t1 IN DATABASE ${db}`,
      `not a member of ${role}`,
      `unwanted DELETE ON TABLE public.t1 IN DATABASE ${db}`,
    ]);
    applied = await engine.applyGrant(grantee, spec, applied);
    assert.deepEqual((await engine.observeGrant(grantee, spec, applied)).differences, []);
    assert.equal(await can('SELECT * FROM public.t1'), true);
    assert.equal(await can('SELECT * FROM app.a2'), true);
    assert.equal(await can('DELETE FROM public.t1'), false);
  });

  it('revokes everything it applied', async () => {
    await engine.revokeGrant(grantee, applied);
    const observed = await engine.observeGrant(grantee, desired(['SELECT']), undefined);
    assert.equal(observed.exists, false);
    await assert.rejects(
      asUser(env, login(), (c) => c.query('SELECT 1')),
      /permission denied/,
    );
  });
});

describe('postgres engine: connection budget', () => {
  it('never opens more than maxConnections across the admin and per-database pools', async () => {
    const dbs = [`pool_a_${suffix}`, `pool_b_${suffix}`];
    const appName = `${applicationName}-budget`;
    const small = createPostgresEngine(settingsFor(env, { maxConnections: 2, applicationName: appName }));
    const spec = { ...grantRef, postgres: { extensions: [{ name: 'plpgsql' }] } };
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      await asAdmin(env, 'postgres', async (c) => {
        while (sampling) {
          const { rows } = await c.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
            [appName],
          );
          peak = Math.max(peak, rows[0]?.n ?? 0);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
    })();
    try {
      for (const db of dbs) await small.createDatabase(db, spec, record(db));
      const work = Array.from({ length: 30 }, (_, i) =>
        i % 3 === 2 ? small.ping() : small.observeDatabase(dbs[i % 2] ?? 'postgres', spec),
      );
      const results = await Promise.all(work);
      assert.equal(results.length, 30);
    } finally {
      for (const db of dbs) await small.dropDatabase(db);
      await small.close();
      sampling = false;
      await sampler;
    }
    assert.ok(peak >= 1, 'the sampler saw the engine’s sessions');
    assert.ok(peak <= 2, `peak ${String(peak)} connections`);
  });

  it('answers observes that queue for a connection with one catalog statement, each with its own answer', async () => {
    const one = createPostgresEngine(settingsFor(env, { maxConnections: 1 }));
    const db = `batch_db_${suffix}`;
    const role = `batch_role_${suffix}`;
    try {
      await one.createDatabase(db, grantRef, record(db));
      await one.createRole(role, grantRef, record(role));
      const statements = await countStatements(async () => {
        // The only connection is busy while sixteen observes arrive.
        const busy = one.ping();
        const observes = await Promise.all([
          ...Array.from({ length: 8 }, (_, i) =>
            one.observeDatabase(i % 2 === 0 ? db : `absent_${suffix}`, grantRef),
          ),
          ...Array.from({ length: 8 }, (_, i) =>
            one.observeRole(i % 2 === 0 ? role : `absent_${suffix}`, grantRef),
          ),
        ]);
        await busy;
        assert.deepEqual(
          observes.map((o) => o.exists),
          Array.from({ length: 16 }, (_, i) => i % 2 === 0),
        );
        assert.deepEqual(
          observes.filter((o) => o.exists).map((o) => o.differences),
          Array.from({ length: 8 }, () => []),
        );
      });
      const catalog = statements.filter((s) => /FROM pg_(database|roles) /.test(s));
      assert.equal(catalog.length, 2, `one statement per catalog, not per observe:\n${catalog.join('\n')}`);
    } finally {
      await one.dropDatabase(db);
      await one.dropRole(role);
      await one.close();
    }
  });

  it('does not deadlock when concurrent grants on other databases outnumber the connections', async () => {
    // A fresh engine has not read the server version yet: each grant needs it, and must not hold a
    // per-database connection while asking for an admin one.
    const small = createPostgresEngine(settingsFor(env, { maxConnections: 2 }));
    const dbs = [`dl_a_${suffix}`, `dl_b_${suffix}`, `dl_c_${suffix}`];
    try {
      await Promise.all(dbs.map((db) => asAdmin(env, 'postgres', (c) => c.query(`CREATE DATABASE "${db}"`))));
      const grants = Array.from({ length: 12 }, (_, i) =>
        small.observeGrant(
          { kind: 'role', name: 'pg_monitor' },
          {
            ...grantRef,
            database: dbs[i % 3] ?? 'postgres',
            postgres: { database: { privileges: ['CONNECT'] } },
          },
          undefined,
        ),
      );
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => {
          reject(new Error('grants did not finish within 15 s: the connection budget deadlocked'));
        }, 15_000).unref(),
      );
      const results = await Promise.race([Promise.all(grants), timeout]);
      assert.equal(results.length, 12);
    } finally {
      // A deadlocked engine would never close; its sessions are ended with the databases.
      await Promise.race([small.close(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      for (const db of dbs) {
        await asAdmin(env, 'postgres', (c) => c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`));
      }
    }
  });
});

describe('postgres engine: passwords reach the server only as SCRAM verifiers', () => {
  // A server of its own that logs every statement. Its superuser (over the socket) reads pg_authid, and sets
  // passwords in plain text so that the server's own hashing can be compared with the provider's.
  let server: PostgresServer;
  let logged: Engine;
  const user = `scram_${suffix}`;
  const probe = `scram_probe_${suffix}`;

  const loginTo = (s: PostgresServer): Partial<ConnectionSettings> => ({
    host: s.admin.host,
    port: s.admin.port,
    user: s.admin.user,
    password: s.admin.password,
  });

  async function asSuperuser<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client(server.superuser);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async function storedPassword(role: string): Promise<string | null> {
    return asSuperuser(async (c) => {
      const { rows } = await c.query<{ p: string | null }>(
        'SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1',
        [role],
      );
      return rows[0]?.p ?? null;
    });
  }

  /** Whether `role` logs in with `password` through node-postgres; false on a refused password only. */
  async function logsIn(role: string, password: string): Promise<boolean> {
    const { host, port } = server.admin;
    const client = new pg.Client({ host, port, user: role, password, database: 'postgres' });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (err) {
      if (err instanceof pg.DatabaseError && err.code === '28P01') return false;
      throw err;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Who psql logs in as: libpq runs the password through PostgreSQL's own SASLprep, as the server does. */
  async function psqlLogin(role: string, password: string): Promise<string> {
    const psql = requireTool('psql', 'postgresql-client-15', ['/usr/lib/postgresql/15/bin']);
    const { host, port } = server.admin;
    const args = ['-h', host, '-p', String(port), '-U', role, '-d', 'postgres', '-w', '-XAt'];
    const { stdout } = await promisify(execFile)(psql, [...args, '-c', 'SELECT current_user'], {
      env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
    });
    return stdout.trim();
  }

  before(async () => {
    server = await startPostgres({ settings: { log_statement: 'all' } });
    logged = createPostgresEngine(settingsFor(env, loginTo(server)));
    await asSuperuser((c) => c.query(`CREATE ROLE "${probe}" LOGIN`));
  });

  after(async () => {
    await logged.close();
    await server.stop();
  });

  it('creates a user and changes its password: the log shows verifiers, never a password, and each logs in', async () => {
    const first = `first-${randomUUID()}`;
    const second = `second-${randomUUID()}`;
    await logged.createUser(user, grantRef, { password: first, owner: record(user) });
    const created = await storedPassword(user);
    assert.match(created ?? '', /^SCRAM-SHA-256\$4096:/);
    assert.equal(await logsIn(user, first), true);

    await logged.setPassword(user, grantRef, second);
    const changed = await storedPassword(user);
    assert.match(changed ?? '', /^SCRAM-SHA-256\$4096:/);
    assert.notEqual(changed, created);
    assert.equal(await logsIn(user, second), true);
    assert.equal(await logsIn(user, first), false);

    // The server writes its log through a pipe: wait for the last statement, then read all of it.
    const log = await eventually('the ALTER ROLE in the server log', () => {
      const text = server.readLog();
      return text.includes(`statement: ALTER ROLE "${user}" WITH PASSWORD`) ? text : undefined;
    });
    assert.ok(!log.includes(first), 'the first password is in the server log');
    assert.ok(!log.includes(second), 'the second password is in the server log');
    // What the log holds instead is what the server stored: the verifiers, in logged statements.
    assert.ok(log.includes(`statement: CREATE ROLE "${user}" WITH LOGIN`));
    assert.ok(
      created !== null && log.includes(`PASSWORD '${created}'`),
      'the created verifier is not logged',
    );
    assert.ok(log.includes(`statement: ALTER ROLE "${user}" WITH PASSWORD '${changed ?? ''}'`));
  });

  // What the server stores for the password in plain text, and what the provider's verifier lets psql do.
  const passwords: { password: string; why: string }[] = [
    {
      password: `Ab9!$&()*+,-.;<=>?[]^_{|}~-${suffix}`,
      why: 'ASCII from every class a generated password uses',
    },
    { password: `pw'"\\; x`, why: 'quotes and a backslash are hashed as they are, not as SQL escapes them' },
    { password: '\uFB01re\u2163', why: 'NFKC: the ligature and the Roman numeral become "fireIV"' },
    {
      password: 'pass\u00ADword\u00A0x',
      why: 'a soft hyphen is mapped to nothing, a no-break space to U+0020',
    },
    { password: 'A\u030Angstro\u0308m', why: 'NFKC composes the combining ring and diaeresis' },
    { password: '\uFB01\u{1F600}', why: 'an emoji (unassigned in Unicode 3.2): the raw text is hashed' },
    {
      password: '\uFB01\u05D0',
      why: 'Latin and Hebrew together break the bidi rule: the raw text is hashed',
    },
    { password: '\uFB01\u0007', why: 'a control character outside pure ASCII: the raw text is hashed' },
    { password: '\uFB1D', why: 'the bidi rule is checked before NFKC, as PostgreSQL does' },
  ];

  for (const { password, why } of passwords) {
    it(`hashes as PostgreSQL does, and psql logs in: ${why}`, async () => {
      const stored = await asSuperuser(async (c) => {
        await c.query(`ALTER ROLE "${probe}" PASSWORD ${c.escapeLiteral(password)}`);
        return storedPassword(probe);
      });
      const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored ?? '');
      assert.ok(m, `the server stored ${String(stored)}`);
      assert.equal(scramVerifier(password, Buffer.from(m[2] ?? '', 'base64'), Number(m[1])), stored);

      await logged.setPassword(probe, grantRef, password);
      assert.notEqual(await storedPassword(probe), stored);
      assert.equal(await psqlLogin(probe, password), probe);
    });
  }

  it('clears the password for an empty one, as PostgreSQL does with an empty text', async () => {
    // The server recognises a verifier of the empty password and stores none, with a NOTICE.
    await logged.setPassword(probe, grantRef, '');
    assert.equal(await storedPassword(probe), null);
  });

  it('stores the verifier as given when the server hashes passwords with md5', async () => {
    await asSuperuser((c) => c.query(`ALTER ROLE "${server.admin.user}" SET password_encryption = 'md5'`));
    // New sessions of the admin take the setting: a fresh engine has only new ones.
    const md5Engine = createPostgresEngine(settingsFor(env, loginTo(server)));
    try {
      // Proof that the setting bites: a password the server hashes itself is md5 now.
      const admin = new pg.Client({ ...server.admin, database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`ALTER ROLE "${probe}" PASSWORD 'hashed-by-the-server'`);
      } finally {
        await admin.end();
      }
      assert.match((await storedPassword(probe)) ?? '', /^md5[0-9a-f]{32}$/);

      const third = `third-${randomUUID()}`;
      await md5Engine.setPassword(user, grantRef, third);
      assert.match((await storedPassword(user)) ?? '', /^SCRAM-SHA-256\$4096:/);
      assert.equal(await logsIn(user, third), true);
    } finally {
      await md5Engine.close();
      await asSuperuser((c) => c.query(`ALTER ROLE "${server.admin.user}" RESET password_encryption`));
    }
  });
});
