// The ownership rule attacked as a hostile tenant would, on both engines: one DatabaseInstance in team A's
// namespace allows team B too, and the provider watches every namespace of its own control plane, as in
// production. Every test checks the server's own state afterwards, not only the conditions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kinds } from '../../../src/apis/registry.ts';
import { startProvider, type Provider } from './support.ts';
import { conflict, externalName, twoTenants, type Engine, type Server } from './tenants.ts';

let provider: Provider;
before(async () => {
  provider = await startProvider('own', { ownControlPlane: true });
});
after(async () => {
  await provider.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const engine of ['postgres', 'mariadb'] as const satisfies readonly Engine[]) {
  describe(`ownership on ${engine}`, () => {
    let server: Server;
    let a: Provider;
    let b: Provider;
    const instance = `${engine}-shared`;
    const tag = `${engine === 'postgres' ? 'pg' : 'my'}_${String(process.pid)}`;
    const onInstance = () => ({ instanceRef: { name: instance, namespace: a.namespace } });

    before(async () => {
      ({ a, b, server } = await twoTenants(provider, engine, instance));
    });

    it("refuses a DatabaseUser that names the provider's admin login, and the login keeps working", async () => {
      await b.create(
        'DatabaseUser',
        'takeover',
        { forProvider: onInstance(), writeConnectionSecretToRef: { name: 'takeover-conn' } },
        externalName(server.login.user),
      );
      await conflict(b, 'DatabaseUser', 'takeover', /is protected: "dbops_admin" is the admin login/);
      assert.equal(await server.canLogIn(server.login), true);
      await assert.rejects(b.secretData('takeover-conn'), /not found/, 'no password was published');
      await b.delete('DatabaseUser', 'takeover');
      await b.gone('DatabaseUser', 'takeover');
      assert.equal(await server.canLogIn(server.login), true, 'deleting it dropped nothing');
    });

    it("refuses a second claimant of another namespace's protected database; deleting it drops nothing", async () => {
      const db = `orders_${tag}`;
      await a.create(
        'Database',
        'orders',
        { forProvider: { ...onInstance(), deletionProtection: true } },
        externalName(db),
      );
      await a.ready('Database', 'orders');
      await server.fillTable(db);
      await b.create('Database', 'grab', { forProvider: onInstance() }, externalName(db));
      const grab = await conflict(
        b,
        'Database',
        'grab',
        new RegExp(`managed by Database ${a.namespace}/orders`),
      );
      assert.equal(grab.status?.phase, 'Failed');
      await b.delete('Database', 'grab');
      await b.gone('Database', 'grab');
      assert.equal(await server.rows(db), 3, 'the victim database still holds its rows');
      const orders = await a.ready('Database', 'orders');
      assert.equal(
        (orders.status?.atProvider as { managedBy?: string }).managedBy,
        `Database ${a.namespace}/orders`,
      );
    });

    it('lets two claimants of one name fight no more: the second is refused and an idle cycle writes nothing', async () => {
      const name = `dup_${tag}`;
      const user = { forProvider: onInstance(), writeConnectionSecretToRef: { name: 'dup-conn' } };
      await a.create('DatabaseUser', 'dup-user', user, externalName(name));
      await a.ready('DatabaseUser', 'dup-user');
      await a.create('DatabaseRole', 'dup-role', { forProvider: onInstance() }, externalName(name));
      await b.create('DatabaseUser', 'dup-user', user, externalName(name));
      await conflict(a, 'DatabaseRole', 'dup-role', /managed by DatabaseUser .*\/dup-user/);
      await conflict(
        b,
        'DatabaseUser',
        'dup-user',
        new RegExp(`managed by DatabaseUser ${a.namespace}/dup-user`),
      );
      const versions = async () =>
        Promise.all([
          a.get('DatabaseUser', 'dup-user'),
          a.get('DatabaseRole', 'dup-role'),
          b.get('DatabaseUser', 'dup-user'),
        ]).then((all) => all.map((mg) => mg?.metadata.resourceVersion));
      const before = await versions();
      await sleep(4_000); // more than two polls and the claimants' backoff retries
      assert.deepEqual(await versions(), before, 'no object was written in an idle cycle');
      if (engine === 'postgres') {
        const [role] = await server.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [name]);
        assert.equal(role?.['rolcanlogin'], true, 'the role was never turned into NOLOGIN');
      }
    });

    it('never touches system objects, whatever the spec asks', async () => {
      const system = engine === 'postgres' ? 'template1' : 'sys';
      const spec =
        engine === 'postgres'
          ? { forProvider: { ...onInstance(), postgres: { isTemplate: false } } }
          : { forProvider: { ...onInstance(), mysql: { charset: 'latin1' } } };
      const before = await server.query(
        engine === 'postgres'
          ? 'SELECT datistemplate AS v FROM pg_database WHERE datname = $1'
          : 'SELECT default_character_set_name AS v FROM information_schema.schemata WHERE schema_name = ?',
        [system],
      );
      await b.create('Database', 'system', spec, externalName(system));
      await conflict(b, 'Database', 'system', new RegExp(`"${system}" is protected: .*system`));
      await b.delete('Database', 'system');
      await b.gone('Database', 'system');
      assert.equal(await server.exactly(system), true);
      assert.deepEqual(
        await server.query(
          engine === 'postgres'
            ? 'SELECT datistemplate AS v FROM pg_database WHERE datname = $1'
            : 'SELECT default_character_set_name AS v FROM information_schema.schemata WHERE schema_name = ?',
          [system],
        ),
        before,
      );
    });

    it("refuses a grant that reaches into another namespace's role or the server's own", async () => {
      const role = `readers_${tag}`;
      await a.create('DatabaseRole', 'readers', { forProvider: onInstance() }, externalName(role));
      await a.ready('DatabaseRole', 'readers');
      const user = `intruder_${tag}`;
      await b.create(
        'DatabaseUser',
        'intruder',
        { forProvider: onInstance(), writeConnectionSecretToRef: { name: 'intruder-conn' } },
        externalName(user),
      );
      await b.ready('DatabaseUser', 'intruder');
      await b.create('DatabaseGrant', 'join-a', {
        forProvider: { ...onInstance(), user, memberOf: [{ role }] },
      });
      await conflict(
        b,
        'DatabaseGrant',
        'join-a',
        new RegExp(`role in memberOf "${role}" belongs to DatabaseRole ${a.namespace}/readers`),
      );
      const systemGrant =
        engine === 'postgres'
          ? { user, memberOf: [{ role: 'pg_read_server_files' }] }
          : { user, database: 'mysql', mysql: { database: { privileges: ['SELECT'] } } };
      await b.create('DatabaseGrant', 'system', { forProvider: { ...onInstance(), ...systemGrant } });
      await conflict(b, 'DatabaseGrant', 'system', /is protected/);
      const grants =
        engine === 'postgres'
          ? await server.query(
              `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
                JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1`,
              [user],
            )
          : await server.query('SELECT * FROM information_schema.schema_privileges WHERE grantee LIKE ?', [
              `'${user}'@%`,
            ]);
      assert.deepEqual(grants, [], 'the intruder holds nothing');
      if (engine === 'mariadb') {
        await b.create('DatabaseGrant', 'global', {
          forProvider: { ...onInstance(), user, mysql: { global: { privileges: ['SELECT'] } } },
        });
        await conflict(
          b,
          'DatabaseGrant',
          'global',
          /apply to the whole server; only objects in the DatabaseInstance/,
        );
      }
    });

    // MySQL/MariaDB's server-wide powers are global grants, refused in the grant test above.
    if (engine === 'postgres')
      it("keeps server-wide powers to the instance's own namespace", async () => {
        const role = `powerful_${tag}`;
        await b.create(
          'DatabaseRole',
          'powerful',
          { forProvider: { ...onInstance(), postgres: { createRole: true } } },
          externalName(role),
        );
        await conflict(
          b,
          'DatabaseRole',
          'powerful',
          /the role attributes createRole apply to the whole server/,
        );
        assert.deepEqual(await server.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]), []);
        await a.create(
          'DatabaseRole',
          'powerful',
          { forProvider: { ...onInstance(), postgres: { createDB: true } } },
          externalName(role),
        );
        await a.ready('DatabaseRole', 'powerful');
      });

    it('adopts a hand-made database only when asked, changing nothing on the server', async () => {
      const db = `legacy_${tag}`;
      await server.query(engine === 'postgres' ? `CREATE DATABASE ${db}` : `CREATE DATABASE \`${db}\``);
      await server.fillTable(db);
      await a.create('Database', 'legacy', { forProvider: onInstance() }, externalName(db));
      await conflict(
        a,
        'Database',
        'legacy',
        /not created by provider-dbops; to take it over, set the annotation/,
      );
      await a.kube.patch(
        kinds.Database,
        { namespace: a.namespace, name: 'legacy' },
        { metadata: { annotations: { 'dbops.dbprovision.io/adopt': 'true' } } },
        { strategy: 'merge' },
      );
      const mg = await a.ready('Database', 'legacy');
      assert.equal(
        (mg.status?.atProvider as { managedBy?: string }).managedBy,
        `Database ${a.namespace}/legacy`,
      );
      assert.equal(await server.rows(db), 3);
    });

    it('keeps ownership across a provider restart with the status wiped', async () => {
      const db = `kept_${tag}`;
      await a.create('Database', 'kept', { forProvider: onInstance() }, externalName(db));
      await a.ready('Database', 'kept');
      await server.fillTable(db);
      await a.restart(async () => {
        const mg = await a.get('Database', 'kept');
        assert.ok(mg);
        await a.kube.updateStatus(kinds.Database, {
          ...mg,
          status: {},
        });
      });
      const mg = await a.ready('Database', 'kept');
      assert.equal(
        (mg.status?.atProvider as { managedBy?: string }).managedBy,
        `Database ${a.namespace}/kept`,
      );
      assert.equal(await server.rows(db), 3);
    });

    it('says loudly that a database vanished before it re-creates it empty', async () => {
      const db = `gone_${tag}`;
      await a.create('Database', 'gone', { forProvider: onInstance() }, externalName(db));
      await a.ready('Database', 'gone');
      await server.query(engine === 'postgres' ? `DROP DATABASE ${db}` : `DROP DATABASE \`${db}\``);
      await a.condition(
        'Database',
        'gone',
        'Vanished',
        'False',
        /vanished from the server and was re-created empty/,
      );
      assert.ok(
        (await a.warnings('gone')).some((w) =>
          /has vanished from the server; it is re-created empty/.test(w),
        ),
      );
      assert.equal(await server.exactly(db), true);
    });
  });
}
