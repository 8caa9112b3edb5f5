// A hostile tenant against the ownership rule (README "Who owns what on the server"), on both engines. Team A's
// namespace holds the DatabaseInstance and allows team B; B controls only its own namespace and tries to take
// over, alter, read or drop what A or the server owns. Every test asserts the SAFE outcome, checked on the
// server itself, so a test FAILS while its attack works.
//
// ─── ATTACKS THAT WORKED, NOW FIXED (titles start with ATTACK n; each failed before its fix) ───────────────
//  2. "database owner runs code as the admin login" (postgres): B's user owns B's database, sets
//     `ALTER DATABASE … SET search_path = public, pg_catalog` and shadows pg_extension with a view calling its
//     own function, which then ran as dbops_admin at the provider's next catalog read. Fixed: every session
//     the provider opens sends search_path=pg_catalog,pg_temp (engines/postgres/pool.ts), which wins over
//     the database's setting.
//  3. "adopt what a DBA made by hand" (both engines): any allowed namespace could adopt any unrecorded
//     database or login, then drop it or take over its password. Fixed: only the instance's namespace and its
//     forProvider.adoptionNamespaces may adopt.
//  4. "case variant" (mariadb): information_schema compares names case-insensitively, so B's `CS_X` found A's
//     `cs_x`. Fixed: the catalog reads compare with BINARY (engines/mysql/catalog.ts).
//
// ─── ATTACKS THAT ARE REFUSED (regression tests) ──────────────────────────────────────────────────────────
//  1. re-pointing a Ready grant (one that never applied anything, so Delete revokes what Observe finds) at A's
//     user and database, then deleting it: refused only by the CRD's CEL rules (user/database fixed after
//     creation); the provider itself skips the reference check on deletion (dependant.ts onInstance)
//  - a case variant of another namespace's database name on PostgreSQL (`CS_X` is a database of its own)
//  - switching the external name of a Ready object to another namespace's object, then deleting it
//  - the adopt annotation on an object another namespace owns; a user claim with its own password Secret
//  - observe-only of another namespace's database (claims nothing, though it shows A's managedBy and size;
//    adding Delete is refused; deleting it drops nothing)
//  - references into namespace A: grant databaseRef/userRef, database owner, template, schema owner, inRoles,
//    defaultPrivileges.forRole
//  - MariaDB `_` wildcards: a database `wild_…` of B's own, granted to B's user, opens neither A's `wild1…` nor
//    the ledger through `dbops_provide_`
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kinds } from '../../../src/apis/registry.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';
import { eventually } from '../../harness/wait.ts';
import { startProvider, type Kind, type Provider } from './support.ts';
import {
  adopt,
  conflict,
  externalName,
  synced,
  twoTenants,
  type Engine,
  type Login,
  type Server,
} from './tenants.ts';

let provider: Provider;
before(async () => {
  provider = await startProvider('hostile', { ownControlPlane: true });
});
after(async () => {
  await provider.stop();
});

/** Waits until the object is Ready or refused (Synced=False); returns which. */
const settled = (p: Provider, kind: Kind, name: string) =>
  eventually(`${kind} ${name} settled`, async () => {
    const mg = await p.get(kind, name);
    const s = synced(mg);
    const ready = mg?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (s?.status === 'True' && ready) return { ready: true, mg };
    if (s?.status === 'False') return { ready: false, mg };
    return undefined;
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const describeSynced = (mg: ManagedResource | undefined) => {
  const s = synced(mg);
  return `Synced ${s?.status ?? '?'} ${s?.reason ?? ''} "${s?.message ?? ''}", managedBy ${String(managedBy(mg))}`;
};
const managedBy = (mg: { status?: { atProvider?: unknown } } | undefined) =>
  (mg?.status?.atProvider as { managedBy?: string } | undefined)?.managedBy;

for (const engine of ['postgres', 'mariadb'] as const satisfies readonly Engine[]) {
  describe(`hostile tenant on ${engine}`, () => {
    let server: Server;
    let a: Provider;
    let b: Provider;
    const instance = `${engine}-shared`;
    const tag = `${engine === 'postgres' ? 'pg' : 'my'}_${String(process.pid)}`;
    const onInstance = () => ({ instanceRef: { name: instance, namespace: a.namespace } });
    const dbPrivileges = (privileges: string[]) =>
      engine === 'postgres'
        ? { postgres: { database: { privileges } } }
        : { mysql: { database: { privileges } } };
    const login = async (p: Provider, secret: string): Promise<Login> => {
      const data = await p.secretData(secret);
      return { user: data['username'] ?? '', password: data['password'] ?? '' };
    };
    const user = async (p: Provider, name: string, serverName: string) => {
      await p.create(
        'DatabaseUser',
        name,
        { forProvider: onInstance(), writeConnectionSecretToRef: { name: `${name}-conn` } },
        externalName(serverName),
      );
      await p.ready('DatabaseUser', name);
      return login(p, `${name}-conn`);
    };
    const isMember = async (member: string, role: string) =>
      engine === 'postgres'
        ? (
            await server.query(
              `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
                JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1 AND r.rolname = $2`,
              [member, role],
            )
          ).length === 1
        : (
            await server.query('SELECT 1 FROM mysql.roles_mapping WHERE User = ? AND Role = ?', [
              member,
              role,
            ])
          ).length > 0;
    const hasDatabasePrivilege = async (who: string, database: string, privilege: string) =>
      engine === 'postgres'
        ? (
            await server.query(
              `SELECT 1 FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) x
                 JOIN pg_roles r ON r.oid = x.grantee WHERE d.datname = $1 AND r.rolname = $2 AND x.privilege_type = $3`,
              [database, who, privilege],
            )
          ).length === 1
        : (
            await server.query(
              // The schema is stored as a grant pattern (`_` escaped).
              'SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA IN (?, ?) AND PRIVILEGE_TYPE = ?',
              [`'${who}'@'%'`, database, database.replace(/[_%\\]/g, (c) => `\\${c}`), privilege],
            )
          ).length === 1;

    before(async () => {
      ({ a, b, server } = await twoTenants(provider, engine, instance));
    });

    // ─── REFUSED (attack 1: re-pointing a grant, then deleting it) ────────────────────────────────────────
    it("refuses re-pointing a Ready grant at another namespace's user and database; deleting it revokes nothing of A's", async () => {
      const privilege = engine === 'postgres' ? 'CREATE' : 'SELECT';
      // Team A: its user holds a privilege on its database and its role.
      const aUser = `rv_au_${tag}`;
      const aDb = `rv_ad_${tag}`;
      const aRole = `rv_ar_${tag}`;
      await user(a, 'rv-user', aUser);
      await a.create('Database', 'rv-db', { forProvider: onInstance() }, externalName(aDb));
      await a.create('DatabaseRole', 'rv-role', { forProvider: onInstance() }, externalName(aRole));
      await a.ready('Database', 'rv-db');
      await a.ready('DatabaseRole', 'rv-role');
      await a.create('DatabaseGrant', 'rv-grant', {
        forProvider: {
          ...onInstance(),
          user: aUser,
          database: aDb,
          ...dbPrivileges([privilege]),
          memberOf: [{ role: aRole }],
        },
      });
      await a.ready('DatabaseGrant', 'rv-grant');
      assert.equal(await hasDatabasePrivilege(aUser, aDb, privilege), true);
      assert.equal(await isMember(aUser, aRole), true);

      // Team B: the same on its own objects, granted twice. The second grant finds everything already held,
      // so it never applies anything: Ready, with the finalizer, and nothing in status.atProvider, so that
      // its Delete would revoke whatever its Observe finds (grant/kind.ts: previouslyApplied(mg) ?? held).
      const bUser = `rv_bu_${tag}`;
      const bDb = `rv_bd_${tag}`;
      const bRole = `rv_br_${tag}`;
      await user(b, 'rv-user', bUser);
      await b.create('Database', 'rv-db', { forProvider: onInstance() }, externalName(bDb));
      await b.create('DatabaseRole', 'rv-role', { forProvider: onInstance() }, externalName(bRole));
      await b.ready('Database', 'rv-db');
      await b.ready('DatabaseRole', 'rv-role');
      const bGrant = {
        ...onInstance(),
        user: bUser,
        database: bDb,
        ...dbPrivileges([privilege]),
        memberOf: [{ role: bRole }],
      };
      await b.create('DatabaseGrant', 'first', { forProvider: bGrant });
      await b.ready('DatabaseGrant', 'first');
      await b.create('DatabaseGrant', 'second', { forProvider: bGrant });
      const second = await b.ready('DatabaseGrant', 'second');
      assert.ok(second.metadata.finalizers?.length, 'the duplicate has its finalizer');

      // Re-pointing it: deletion skips the reference check (dependant.ts), so only the CRD's CEL rules
      // (user and database fixed after creation) stand between this and revoking A's privileges.
      await assert.rejects(
        b.patchSpec('DatabaseGrant', 'second', { forProvider: { user: null, role: bRole, database: null } }),
        /cannot be removed once set/,
      );
      await assert.rejects(
        b.patchSpec('DatabaseGrant', 'second', { forProvider: { user: aUser, database: aDb } }),
        /immutable|cannot be changed/,
      );
      // memberOf may change: naming A's role is refused while not deleting, and deleting revokes only from B's user.
      await b.patchSpec('DatabaseGrant', 'second', { forProvider: { memberOf: [{ role: aRole }] } });
      await conflict(b, 'DatabaseGrant', 'second', /role in memberOf .* belongs to DatabaseRole/);
      await b.delete('DatabaseGrant', 'second');
      await b.gone('DatabaseGrant', 'second');
      assert.equal(
        await hasDatabasePrivilege(aUser, aDb, privilege),
        true,
        "B's deleted grant revoked A's privilege",
      );
      assert.equal(await isMember(aUser, aRole), true, "B's deleted grant revoked A's role from A's user");
      assert.equal(await isMember(bUser, aRole), false);
    });

    // ─── WORKS (attack 2, PostgreSQL) ───────────────────────────────────────────────────────────────────
    if (engine === 'postgres')
      it("ATTACK 2: a database owner cannot run code as the provider's admin login through search_path", async () => {
        const aRole = `sp_ar_${tag}`;
        await a.create('DatabaseRole', 'sp-role', { forProvider: onInstance() }, externalName(aRole));
        await a.ready('DatabaseRole', 'sp-role');
        const aLogin = await user(a, 'sp-user', `sp_au_${tag}`);

        // B's user owns B's database (allowed: both are B's), which manages a schema, so every Observe reads
        // the database's contents inside it, as the admin login.
        const bLogin = await user(b, 'sp-owner', `sp_bu_${tag}`);
        const db = `sp_db_${tag}`;
        await b.create(
          'Database',
          'sp-db',
          { forProvider: { ...onInstance(), postgres: { owner: bLogin.user, schemas: [{ name: 'app' }] } } },
          externalName(db),
        );
        await b.ready('Database', 'sp-db');

        // As B's own login, nothing more: a database owner may set its database's session defaults.
        const statements = [
          `ALTER DATABASE "${db}" SET search_path = public, pg_catalog`,
          `CREATE FUNCTION public.pwn() RETURNS boolean LANGUAGE plpgsql AS $f$
           BEGIN
             BEGIN EXECUTE 'GRANT "${aRole}" TO "${bLogin.user}"'; EXCEPTION WHEN others THEN NULL; END;
             BEGIN EXECUTE 'ALTER ROLE "${aLogin.user}" PASSWORD ''pwned'''; EXCEPTION WHEN others THEN NULL; END;
             RETURN true;
           END $f$`,
          'CREATE VIEW public.pg_extension AS SELECT * FROM pg_catalog.pg_extension WHERE public.pwn()',
          'GRANT SELECT ON public.pg_extension TO PUBLIC',
        ];
        for (const sql of statements) await server.queryAs(bLogin, sql, [], db);
        // Any later Observe will do; a spec change makes one at once.
        await b.patchSpec('Database', 'sp-db', {
          forProvider: { postgres: { owner: bLogin.user, schemas: [{ name: 'app' }, { name: 'app2' }] } },
        });
        await sleep(6_000); // a few polls
        const worked = [
          ...((await isMember(bLogin.user, aRole)) ? [`granted A's role ${aRole} to B's user`] : []),
          ...((await server.canLogIn({ user: aLogin.user, password: 'pwned' }))
            ? [`reset A's user ${aLogin.user}'s password to B's choice`]
            : []),
        ];
        assert.deepEqual(
          worked,
          [],
          `ATTACK WORKED: code of B's database ran as the admin login: ${worked.join('; ')}`,
        );
        assert.equal(await server.canLogIn(aLogin), true);
      });

    // ─── WORKS (attack 3) ───────────────────────────────────────────────────────────────────────────────
    it('ATTACK 3: a tenant cannot adopt a database or login that a DBA made by hand (only the instance namespace may)', async () => {
      const db = `hand_db_${tag}`;
      const handUser = `hand_u_${tag}`;
      const dba = { user: handUser, password: 'dba-password' };
      if (engine === 'postgres') {
        await server.query(`CREATE DATABASE ${db}`);
        await server.query(`CREATE ROLE ${handUser} LOGIN PASSWORD 'dba-password'`);
      } else {
        await server.query(`CREATE DATABASE \`${db}\``);
        await server.query(`CREATE USER ?@'%' IDENTIFIED BY 'dba-password'`, [handUser]);
      }
      await server.fillTable(db);
      assert.equal(await server.canLogIn(dba), true);

      await b.secret('steal-pw', { password: 'tenant-b-password' });
      await b.create(
        'DatabaseUser',
        'steal-user',
        { forProvider: { ...onInstance(), passwordSecretRef: { name: 'steal-pw', key: 'password' } } },
        { ...externalName(handUser), ...adopt },
      );
      await b.create(
        'Database',
        'steal-db',
        { forProvider: onInstance() },
        { ...externalName(db), ...adopt },
      );
      await Promise.all([settled(b, 'DatabaseUser', 'steal-user'), settled(b, 'Database', 'steal-db')]);
      await sleep(2_000); // a password change follows the adoption in the same or the next reconcile
      const [u, d] = await Promise.all([
        settled(b, 'DatabaseUser', 'steal-user'),
        settled(b, 'Database', 'steal-db'),
      ]);
      const stolen = await server.canLogIn({ user: handUser, password: 'tenant-b-password' });
      await b.delete('Database', 'steal-db');
      await b.gone('Database', 'steal-db');
      const rows = await server.rows(db).catch(() => -1);
      const worked = [
        ...(u.ready ? [`adopted the hand-made login (${describeSynced(u.mg)})`] : []),
        ...(stolen ? ["set the hand-made login's password and logs in as it"] : []),
        ...(d.ready ? [`adopted the hand-made database (${describeSynced(d.mg)})`] : []),
        ...(rows !== 3 ? ['dropped the hand-made database and its rows by deleting its Database'] : []),
      ];
      assert.deepEqual(worked, [], `ATTACK WORKED: B ${worked.join('; ')}`);
    });

    // ─── REFUSED (regression tests) ─────────────────────────────────────────────────────────────────────
    // MariaDB: WORKS (attack 4). PostgreSQL: refused (a quoted `CS_X` is a database of its own).
    it(`${engine === 'mariadb' ? 'ATTACK 4: ' : ''}refuses a case variant of another namespace's database name, even with the adopt annotation`, async () => {
      const db = `cs_${tag}`;
      await a.create('Database', 'cs', { forProvider: onInstance() }, externalName(db));
      await a.ready('Database', 'cs');
      await server.fillTable(db);
      const upper = db.toUpperCase();
      // A session of A's application on its database, which a drop of B's database must not end.
      const session = await server.session(db);
      try {
        await b.create('Database', 'cs', { forProvider: onInstance() }, { ...externalName(upper), ...adopt });
        await settled(b, 'Database', 'cs');
        await sleep(3_000);
        const seen = await b.get('Database', 'cs');
        const how = `B's Database ${upper}: ${describeSynced(seen)}`;
        // B may own "CS_…" only as a database of its own, distinct from A's.
        const exact = await server.exactly(upper);
        const worked: string[] = [];
        if (managedBy(seen) === `Database ${b.namespace}/cs` && !exact)
          worked.push(`B owns "${upper}" but no such database exists: it adopted A's ${db}`);
        await session.ping();
        await b.delete('Database', 'cs');
        await b.gone('Database', 'cs');
        if ((await server.rows(db).catch(() => -1)) !== 3) worked.push(`deleting it dropped A's ${db}`);
        if (
          !(await session.ping().then(
            () => true,
            () => false,
          ))
        )
          worked.push(`deleting it killed a session on A's ${db}`);
        assert.deepEqual(worked, [], `ATTACK WORKED: ${worked.join('; ')} (${how})`);
        const mg = await a.ready('Database', 'cs');
        assert.equal(managedBy(mg), `Database ${a.namespace}/cs`);
      } finally {
        await session.end().catch(() => undefined);
      }
    });

    it("refuses switching a Ready object's external name to another namespace's, and deleting it drops nothing", async () => {
      const mine = `xn_mine_${tag}`;
      const theirs = `xn_theirs_${tag}`;
      await a.create('Database', 'xn', { forProvider: onInstance() }, externalName(theirs));
      await b.create('Database', 'xn', { forProvider: onInstance() }, externalName(mine));
      await a.ready('Database', 'xn');
      await b.ready('Database', 'xn');
      await server.fillTable(theirs);
      await b.kube.patch(
        kinds.Database,
        { namespace: b.namespace, name: 'xn' },
        { metadata: { annotations: { ...externalName(theirs), ...adopt } } },
        { strategy: 'merge' },
      );
      await conflict(b, 'Database', 'xn', new RegExp(`managed by Database ${a.namespace}/xn`));
      await b.delete('Database', 'xn');
      await b.gone('Database', 'xn');
      assert.equal(await server.rows(theirs), 3);
      assert.equal(managedBy(await a.ready('Database', 'xn')), `Database ${a.namespace}/xn`);
    });

    it("refuses a user claim with the adopt annotation and its own password on another namespace's login", async () => {
      const aLogin = await user(a, 'claimed', `cl_u_${tag}`);
      await b.secret('claim-pw', { password: 'tenant-b-password' });
      await b.create(
        'DatabaseUser',
        'claim',
        { forProvider: { ...onInstance(), passwordSecretRef: { name: 'claim-pw', key: 'password' } } },
        { ...externalName(aLogin.user), ...adopt },
      );
      await conflict(
        b,
        'DatabaseUser',
        'claim',
        new RegExp(`managed by DatabaseUser ${a.namespace}/claimed`),
      );
      await b.delete('DatabaseUser', 'claim');
      await b.gone('DatabaseUser', 'claim');
      assert.equal(await server.canLogIn(aLogin), true);
      assert.equal(await server.canLogIn({ user: aLogin.user, password: 'tenant-b-password' }), false);
    });

    it("observes another namespace's database without claiming it; deleting the observer drops nothing", async () => {
      const db = `obs_${tag}`;
      await a.create('Database', 'obs', { forProvider: onInstance() }, externalName(db));
      await a.ready('Database', 'obs');
      await server.fillTable(db);
      await b.create(
        'Database',
        'obs',
        { managementPolicies: ['Observe'], forProvider: onInstance() },
        externalName(db),
      );
      const seen = await b.ready('Database', 'obs');
      // What B learns: A's database's owner record and size (README: observe-only observes anything).
      assert.equal(managedBy(seen), `Database ${a.namespace}/obs`);
      await b.patchSpec('Database', 'obs', { managementPolicies: ['Observe', 'Delete'] });
      await conflict(b, 'Database', 'obs', new RegExp(`managed by Database ${a.namespace}/obs`));
      await b.delete('Database', 'obs');
      await b.gone('Database', 'obs');
      assert.equal(await server.rows(db), 3);
      assert.equal(managedBy(await a.ready('Database', 'obs')), `Database ${a.namespace}/obs`);
    });

    it('refuses every reference into namespace A: refs, owners, template, inRoles, forRole', async () => {
      const aDb = `rf_ad_${tag}`;
      const aRole = `rf_ar_${tag}`;
      const aUser = `rf_au_${tag}`;
      await a.create('Database', 'rf-db', { forProvider: onInstance() }, externalName(aDb));
      await a.create('DatabaseRole', 'rf-role', { forProvider: onInstance() }, externalName(aRole));
      await user(a, 'rf-user', aUser);
      await a.ready('Database', 'rf-db');
      await a.ready('DatabaseRole', 'rf-role');
      const bLogin = await user(b, 'rf-user', `rf_bu_${tag}`);
      const bDb = `rf_bd_${tag}`;
      await b.create('Database', 'rf-db', { forProvider: onInstance() }, externalName(bDb));
      await b.ready('Database', 'rf-db');

      await b.create('DatabaseGrant', 'ref-db', {
        forProvider: {
          ...onInstance(),
          user: bLogin.user,
          databaseRef: { name: 'rf-db', namespace: a.namespace },
          ...dbPrivileges([engine === 'postgres' ? 'CONNECT' : 'SELECT']),
        },
      });
      await b.create('DatabaseGrant', 'ref-user', {
        forProvider: {
          ...onInstance(),
          userRef: { name: 'rf-user', namespace: a.namespace },
          database: bDb,
          ...dbPrivileges([engine === 'postgres' ? 'CONNECT' : 'SELECT']),
        },
      });
      await conflict(
        b,
        'DatabaseGrant',
        'ref-db',
        new RegExp(`database "${aDb}" belongs to Database ${a.namespace}/rf-db`),
      );
      await conflict(b, 'DatabaseGrant', 'ref-user', new RegExp(`grantee user "${aUser}" belongs to`));
      if (engine === 'postgres') {
        await b.create(
          'Database',
          'own-a',
          { forProvider: { ...onInstance(), postgres: { owner: aUser } } },
          externalName(`rf_o_${tag}`),
        );
        await b.create(
          'Database',
          'tmpl-a',
          { forProvider: { ...onInstance(), postgres: { template: aDb } } },
          externalName(`rf_t_${tag}`),
        );
        await b.create(
          'Database',
          'schema-a',
          { forProvider: { ...onInstance(), postgres: { schemas: [{ name: 's', owner: aRole }] } } },
          externalName(`rf_s_${tag}`),
        );
        await b.create(
          'DatabaseRole',
          'in-a',
          { forProvider: { ...onInstance(), postgres: { inRoles: [aRole] } } },
          externalName(`rf_in_${tag}`),
        );
        await b.create('DatabaseGrant', 'for-a', {
          forProvider: {
            ...onInstance(),
            user: bLogin.user,
            database: bDb,
            postgres: {
              defaultPrivileges: [{ forRole: aUser, objectType: 'tables', privileges: ['SELECT'] }],
            },
          },
        });
        await conflict(b, 'Database', 'own-a', /owner .* belongs to DatabaseUser/);
        await conflict(b, 'Database', 'tmpl-a', /template .* belongs to Database/);
        await conflict(b, 'Database', 'schema-a', /schema owner .* belongs to DatabaseRole/);
        await conflict(b, 'DatabaseRole', 'in-a', /role in inRoles .* belongs to DatabaseRole/);
        await conflict(b, 'DatabaseGrant', 'for-a', /forRole .* belongs to DatabaseUser/);
        const made = await server.query(
          'SELECT datname FROM pg_database WHERE datname = ANY($1) UNION ALL SELECT rolname FROM pg_roles WHERE rolname = $2',
          [[`rf_o_${tag}`, `rf_t_${tag}`, `rf_s_${tag}`], `rf_in_${tag}`],
        );
        assert.deepEqual(made, [], 'nothing was created for a refused spec');
        const defaults = await server.query(
          `SELECT 1 FROM pg_default_acl d JOIN pg_roles r ON r.oid = d.defaclrole WHERE r.rolname = $1`,
          [aUser],
          bDb,
        );
        assert.deepEqual(defaults, []);
      }
      assert.equal(
        await hasDatabasePrivilege(bLogin.user, aDb, engine === 'postgres' ? 'CONNECT' : 'SELECT'),
        false,
      );
      assert.equal(
        await hasDatabasePrivilege(aUser, bDb, engine === 'postgres' ? 'CONNECT' : 'SELECT'),
        false,
      );
    });

    if (engine === 'mariadb')
      it("escapes wildcards: B's own `wild_…` and `dbops_provide_` databases open neither A's data nor the ledger", async () => {
        const aDb = `wild1${tag}`;
        const bDb = `wild_${tag}`; // `_` would match A's `1`
        await a.create('Database', 'wild', { forProvider: onInstance() }, externalName(aDb));
        await a.ready('Database', 'wild');
        await server.fillTable(aDb);
        const bLogin = await user(b, 'wild-user', `wild_u_${tag}`);
        await b.create('Database', 'wild', { forProvider: onInstance() }, externalName(bDb));
        await b.create('Database', 'ledger', { forProvider: onInstance() }, externalName('dbops_provide_'));
        await b.ready('Database', 'wild');
        await b.ready('Database', 'ledger');
        for (const [name, database] of [
          ['wild', bDb],
          ['ledger', 'dbops_provide_'],
        ] as const) {
          await b.create('DatabaseGrant', name, {
            forProvider: {
              ...onInstance(),
              user: bLogin.user,
              database,
              mysql: { database: { privileges: ['ALL'] } },
            },
          });
          await b.ready('DatabaseGrant', name);
        }
        await assert.rejects(server.queryAs(bLogin, `SELECT * FROM \`${aDb}\`.orders`), /denied/);
        await assert.rejects(server.queryAs(bLogin, 'SELECT * FROM dbops_provider.owners'), /denied/);
        await assert.rejects(
          server.queryAs(bLogin, "UPDATE dbops_provider.owners SET owner = 'x' WHERE name = ?", [aDb]),
          /denied/,
        );
        await b.delete('DatabaseGrant', 'ledger');
        await b.delete('Database', 'ledger');
        await b.gone('Database', 'ledger');
      });
  });
}
