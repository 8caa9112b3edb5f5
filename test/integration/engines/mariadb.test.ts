// The mysql engine against the harness's real MariaDB 10.11, logged in as a provisioning admin without SUPER.
// Every effect is checked from outside the engine: an admin connection reads the catalogs, and real logins as
// the created users prove what their privileges allow and deny.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseGrantParameters } from '../../../src/apis/database-grant.ts';
import {
  InvalidNameError,
  UnsupportedError,
  type AppliedGrant,
  type Engine,
  type Grantee,
} from '../../../src/engines/engine.ts';
import { createMysqlEngine } from '../../../src/engines/mysql/engine.ts';
import { OwnedElsewhereError } from '../../../src/engines/mysql/errors.ts';
import { useTestEnvironment } from '../../harness/environment.ts';
import { startMariaDb } from '../../harness/mariadb.ts';
import type { DatabaseLogin } from '../../harness/postgres.ts';
import { asAdmin, asUser, mariadbSettings, queryRows, showGrants, uniqueName } from './mariadb-support.ts';

let admin: DatabaseLogin;
let engine: Engine;
const writes: string[] = [];

before(async () => {
  admin = (await useTestEnvironment()).mariadb.admin;
  engine = createMysqlEngine(mariadbSettings(admin), { onWrite: (sql) => writes.push(sql) });
});

after(async () => {
  await engine.close();
});

/** Write statements the engine sends while `fn` runs. */
async function writesDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const start = writes.length;
  await fn();
  return writes.slice(start);
}

const instanceRef = { name: 'mariadb' };
/** Ownership records are opaque to the engine; these look like the ownership module's. */
const owner = 'managed by provider-dbops: Database engine-test/a';
const otherOwner = 'managed by provider-dbops: Database engine-test/b';

describe('MariaDB engine: connection', () => {
  it('pings through the pool and reports the server version', async () => {
    const { version } = await engine.ping();
    assert.match(version, /MariaDB/);
  });

  it('explains a refused admin login without the password', async () => {
    const password = `wrong-'pw\\-${String(process.pid)}`;
    const bad = createMysqlEngine(mariadbSettings(admin, { password }));
    try {
      const err = await bad.ping().then(
        () => assert.fail('ping succeeded'),
        (e: unknown) => e as Error,
      );
      assert.match(err.message, /refused the admin login/);
      assert.ok(!err.message.includes(password));
      assert.ok(!JSON.stringify(err).includes(password));
    } finally {
      await bad.close();
    }
  });

  it('never holds more connections than maxConnections', async () => {
    const user = uniqueName('pool');
    const password = `pw-${crypto.randomUUID()}`;
    await asAdmin(admin, async (conn) => {
      await conn.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
      await conn.query('GRANT SELECT ON *.* TO ?@?', [user, '%']);
    });
    const limited = createMysqlEngine(mariadbSettings(admin, { user, password, maxConnections: 2 }));
    try {
      const counts: number[] = [];
      const sample = async () => {
        await asAdmin(admin, async (conn) => {
          const rows = await queryRows(
            conn,
            'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?',
            [user],
          );
          counts.push(Number(rows[0]?.['n']));
        });
      };
      const work = Array.from({ length: 40 }, (_, i) =>
        limited.observeDatabase(`pool_probe_${String(i)}`, { instanceRef }),
      );
      const samples = Array.from({ length: 5 }, () => sample());
      await Promise.all([...work, ...samples]);
      await sample();
      assert.ok(
        counts.every((n) => n <= 2),
        `connections seen: ${counts.join(', ')}`,
      );
      assert.ok(
        counts.some((n) => n > 0),
        'the pool kept no connection open',
      );
    } finally {
      await limited.close();
      await asAdmin(admin, (conn) => conn.query('DROP USER ?@?', [user, '%']));
    }
  });
});

describe('MariaDB engine: databases', () => {
  it('creates, observes, changes and drops a database, killing its sessions first', async () => {
    const name = uniqueName('db');
    assert.deepEqual(await engine.observeDatabase(name, { instanceRef }), { exists: false, differences: [] });
    await engine.createDatabase(
      name,
      { instanceRef, mysql: { charset: 'utf8mb4', collation: 'utf8mb4_bin' } },
      owner,
    );
    const created = await engine.observeDatabase(name, {
      instanceRef,
      mysql: { charset: 'utf8mb4', collation: 'utf8mb4_bin' },
    });
    assert.equal(created.exists, true);
    assert.deepEqual(created.differences, []);
    const state = created.state!;
    assert.equal(state['encoding'], 'utf8mb4');
    assert.equal(state['collation'], 'utf8mb4_bin');
    assert.equal(typeof state.sizeBytes, 'number');

    const latin = { instanceRef, mysql: { charset: 'latin1' } };
    assert.deepEqual((await engine.observeDatabase(name, latin)).differences, [
      'character set utf8mb4 → latin1',
    ]);
    const changed = await writesDuring(() => engine.updateDatabase(name, latin));
    assert.equal(changed.length, 1);
    const after = await engine.observeDatabase(name, latin);
    assert.deepEqual(after.differences, []);
    assert.equal(after.state?.['encoding'], 'latin1');
    assert.deepEqual(
      await writesDuring(() => engine.updateDatabase(name, latin)),
      [],
      'up to date: no write',
    );

    await asAdmin(admin, async (session) => {
      await session.query(`USE \`${name}\``);
      await engine.dropDatabase(name);
      await assert.rejects(session.query('SELECT 1'), /closed|killed|interrupted|Connection lost/i);
    });
    assert.equal((await engine.observeDatabase(name, latin)).exists, false);
    await engine.dropDatabase(name); // already gone: still fine
  });

  it('refuses a hostile or over-long name before sending anything', async () => {
    // An engine pointed at a closed port: any statement would fail with a connection error instead.
    const offline = createMysqlEngine(mariadbSettings(admin, { port: 1 }));
    try {
      for (const name of [
        'x`; DROP DATABASE mysql; --',
        "a'b",
        'a b',
        'a'.repeat(65),
        '',
        'tab\tname',
        'x\\y',
      ]) {
        await assert.rejects(offline.observeDatabase(name, { instanceRef }), InvalidNameError, name);
        await assert.rejects(offline.dropDatabase(name), InvalidNameError, name);
      }
      const user = { instanceRef, mysql: { allowedHosts: ["evil'host"] } };
      await assert.rejects(
        offline.createUser('ok', user, { password: 'pw', owner: owner }),
        InvalidNameError,
      );
      await assert.rejects(
        offline.createUser('u'.repeat(81), { instanceRef }, { password: 'pw', owner: owner }),
        InvalidNameError,
      );
      await assert.rejects(offline.createRole('none', { instanceRef }, owner), InvalidNameError);
      await assert.rejects(offline.recordOwner('account', "x'y", owner), InvalidNameError);
      // System objects, the ledger and the admin login are refused before any statement too.
      await assert.rejects(offline.dropDatabase('mysql'), /system schema; it is never managed/);
      await assert.rejects(offline.dropDatabase('DBOPS_PROVIDER'), /ownership records/);
      await assert.rejects(offline.createDatabase('sys', { instanceRef }, owner), InvalidNameError);
      await assert.rejects(offline.recordOwner('account', 'root', owner), /system account/);
      await assert.rejects(offline.dropUser(admin.user, { instanceRef }), /admin login this provider/);
      await assert.rejects(offline.createRole('mariadb.sys', { instanceRef }, owner), InvalidNameError);
    } finally {
      await offline.close();
    }
  });
});

describe('MariaDB engine: users', () => {
  it('keeps one account per allowed host, with the same password and settings', async () => {
    const name = uniqueName('usr');
    const password = `p'w"\\-${crypto.randomUUID()}`;
    const spec = { instanceRef, mysql: { allowedHosts: ['%', '127.0.0.1'], maxQueriesPerHour: 100 } };
    assert.equal((await engine.observeUser(name, spec)).exists, false);
    await engine.createUser(name, spec, { password: password, owner: owner });
    const observed = await engine.observeUser(name, spec);
    assert.deepEqual(observed.differences, []);
    assert.deepEqual(observed.state?.['hosts'], ['%', '127.0.0.1']);
    await asAdmin(admin, async (conn) => {
      const rows = await queryRows(
        conn,
        'SELECT Host, max_questions FROM mysql.user WHERE User = ? ORDER BY Host',
        [name],
      );
      assert.deepEqual(
        rows.map((r) => [String(r['Host']), Number(r['max_questions'])]),
        [
          ['%', 100],
          ['127.0.0.1', 100],
        ],
      );
    });
    const who = await asUser(admin, { user: name, password }, async (conn) =>
      queryRows(conn, 'SELECT CURRENT_USER() AS u'),
    );
    assert.equal(who[0]?.['u'], `${name}@127.0.0.1`);

    // Limits and lock change on every account.
    const locked = { instanceRef, mysql: { ...spec.mysql, maxUserConnections: 3, accountLocked: true } };
    const differences = (await engine.observeUser(name, locked)).differences;
    assert.ok(differences.includes('max user connections 0 → 3 (host %)'), differences.join('; '));
    assert.ok(differences.includes('account locked false → true (host 127.0.0.1)'), differences.join('; '));
    await engine.updateUser(name, locked);
    assert.deepEqual((await engine.observeUser(name, locked)).differences, []);
    await assert.rejects(
      asUser(admin, { user: name, password }, () => Promise.resolve()),
      /locked/i,
    );

    // A change made by hand is drift: observed and reverted.
    await asAdmin(admin, (conn) =>
      conn.query("ALTER USER ?@'%' WITH MAX_QUERIES_PER_HOUR 7 ACCOUNT UNLOCK", [name]),
    );
    const drift = (await engine.observeUser(name, locked)).differences;
    assert.deepEqual(drift.sort(), [
      'account locked false → true (host %)',
      'max queries per hour 7 → 100 (host %)',
    ]);
    await engine.updateUser(name, locked);
    assert.deepEqual((await engine.observeUser(name, locked)).differences, []);
    assert.deepEqual(await writesDuring(() => engine.updateUser(name, locked)), [], 'up to date: no write');

    // Removing a host drops its account; adding one needs the password, which setPassword brings.
    const moved = { instanceRef, mysql: { allowedHosts: ['%', 'localhost'], maxQueriesPerHour: 100 } };
    await assert.rejects(engine.updateUser(name, moved), /need the password/);
    const newPassword = `new-${crypto.randomUUID()}`;
    await engine.setPassword(name, moved, newPassword);
    assert.deepEqual((await engine.observeUser(name, moved)).differences, []);
    await asAdmin(admin, async (conn) => {
      const rows = await queryRows(conn, 'SELECT Host FROM mysql.user WHERE User = ? ORDER BY Host', [name]);
      assert.deepEqual(
        rows.map((r) => String(r['Host'])),
        ['%', 'localhost'],
      );
    });
    await asUser(admin, { user: name, password: newPassword }, async (conn) => queryRows(conn, 'SELECT 1'));

    await engine.dropUser(name, moved);
    assert.equal((await engine.observeUser(name, moved)).exists, false);
  });

  it('keeps passwords out of every error, and withdraws the claim of a create the server refused', async () => {
    // An admin login that may keep the ledger but not create accounts: the server refuses CREATE USER, whose
    // text (on mysql2's err.sql) carries the password. `\_`: in a database-level grant `_` is a wildcard.
    const login = uniqueName('nocu');
    const loginPassword = `pw-${crypto.randomUUID()}`;
    await asAdmin(admin, async (conn) => {
      await conn.query('CREATE USER ?@? IDENTIFIED BY ?', [login, '%', loginPassword]);
      await conn.query('GRANT SELECT ON *.* TO ?@?', [login, '%']);
      await conn.query('GRANT CREATE, INSERT, UPDATE, DELETE ON `dbops\\_provider`.* TO ?@?', [login, '%']);
    });
    const limited = createMysqlEngine(mariadbSettings(admin, { user: login, password: loginPassword }));
    const name = uniqueName('nopw');
    const password = `secret-${crypto.randomUUID()}`;
    try {
      const err = await limited.createUser(name, { instanceRef }, { password: password, owner: owner }).then(
        () => assert.fail('create succeeded without CREATE USER'),
        (e: unknown) => e as Error & { sql?: unknown },
      );
      assert.match(err.message, /lacks a privilege this needs/);
      assert.ok(!err.message.includes(password), err.message);
      assert.equal(err.sql, undefined);
      assert.ok(!JSON.stringify(err).includes(password));
      assert.ok(!String(err.stack).includes(password));
      assert.deepEqual(await engine.readOwners('account', [name]), new Map(), 'claim withdrawn');
    } finally {
      await limited.close();
      await asAdmin(admin, (conn) => conn.query('DROP USER ?@?', [login, '%']));
    }
  });

  it('uses IDENTIFIED VIA for a plugin, loads ed25519 as the non-SUPER admin, and refuses MySQL-only plugins', async () => {
    const name = uniqueName('ed');
    const spec = { instanceRef, mysql: { authPlugin: 'ed25519' as const } };
    await engine.createUser(name, spec, { password: 'pw-ed25519', owner: owner });
    try {
      assert.deepEqual((await engine.observeUser(name, spec)).differences, []);
      const native = { instanceRef, mysql: { authPlugin: 'mysql_native_password' as const } };
      assert.deepEqual((await engine.observeUser(name, native)).differences, [
        'auth plugin ed25519 → mysql_native_password (host %)',
      ]);
      await engine.setPassword(name, native, 'pw-native');
      assert.deepEqual((await engine.observeUser(name, native)).differences, []);
      await asUser(admin, { user: name, password: 'pw-native' }, (conn) => queryRows(conn, 'SELECT 1'));
    } finally {
      await engine.dropUser(name, spec);
    }
    for (const authPlugin of ['caching_sha2_password', 'sha256_password'] as const) {
      const before = writes.length;
      await assert.rejects(
        engine.createUser(name, { instanceRef, mysql: { authPlugin } }, { password: 'pw', owner: owner }),
        UnsupportedError,
      );
      assert.equal(writes.length, before);
    }
  });
});

describe('MariaDB engine: roles and grants', () => {
  let database: string;
  before(async () => {
    database = uniqueName('gdb');
    await engine.createDatabase(database, { instanceRef }, owner);
    await asAdmin(admin, async (conn) => {
      await conn.query(`CREATE TABLE \`${database}\`.items (id INT PRIMARY KEY, price INT, secret INT)`);
      await conn.query(`INSERT INTO \`${database}\`.items VALUES (1, 10, 99)`);
      await conn.query(`CREATE TABLE \`${database}\`.other (id INT)`);
    });
  });
  after(async () => {
    await engine.dropDatabase(database);
  });

  it('grants at database, table and column level on every host, revokes what is removed, repairs drift', async () => {
    const user = uniqueName('gu');
    const password = `pw-${crypto.randomUUID()}`;
    const hosts = ['%', '127.0.0.1'];
    await engine.createUser(
      user,
      { instanceRef, mysql: { allowedHosts: hosts } },
      { password: password, owner: owner },
    );
    const grantee = { kind: 'user' as const, name: user, hosts };
    const desired = {
      instanceRef,
      database,
      mysql: {
        tables: [{ name: 'items', privileges: ['SELECT' as const, 'INSERT' as const] }],
        columns: [{ table: 'items', columns: ['price'], privileges: ['UPDATE' as const] }],
        database: { privileges: ['SHOW VIEW' as const] },
      },
    };
    try {
      const first = await engine.observeGrant(grantee, desired, undefined);
      assert.equal(first.exists, false);
      const applied = await engine.applyGrant(grantee, desired, undefined);
      assert.deepEqual(applied.privileges, [
        `INSERT ON TABLE \`${database}\`.\`items\``,
        `SELECT ON TABLE \`${database}\`.\`items\``,
        `SHOW VIEW ON DATABASE \`${database}\``,
        `UPDATE (\`price\`) ON TABLE \`${database}\`.\`items\``,
      ]);
      const observed = await engine.observeGrant(grantee, desired, applied);
      assert.deepEqual(observed.differences, []);
      assert.deepEqual(observed.state, applied);
      assert.deepEqual(
        await writesDuring(() => engine.applyGrant(grantee, desired, applied)),
        [],
        'up to date',
      );

      await asAdmin(admin, async (conn) => {
        for (const host of hosts) {
          const text = (await showGrants(conn, user, host)).join('\n');
          assert.match(text, /GRANT SELECT, INSERT, UPDATE \(`price`\) ON `.+`\.`items`/, text);
        }
      });
      const login = { user, password, database };
      await asUser(admin, login, async (conn) => {
        await queryRows(conn, 'SELECT id, price, secret FROM items');
        await conn.query('INSERT INTO items VALUES (2, 20, 0)');
        await conn.query('UPDATE items SET price = 11 WHERE id = 1');
        await assert.rejects(conn.query('UPDATE items SET secret = 0'), /denied/);
        await assert.rejects(conn.query('DELETE FROM items'), /denied/);
        await assert.rejects(conn.query('SELECT * FROM other'), /denied/);
      });

      // Removing INSERT revokes it on every host.
      const fewer = {
        ...desired,
        mysql: { ...desired.mysql, tables: [{ name: 'items', privileges: ['SELECT' as const] }] },
      };
      const diff = await engine.observeGrant(grantee, fewer, applied);
      assert.deepEqual(diff.differences.sort(), [
        `INSERT ON TABLE \`${database}\`.\`items\` to be revoked from '${user}'@'%'`,
        `INSERT ON TABLE \`${database}\`.\`items\` to be revoked from '${user}'@'127.0.0.1'`,
      ]);
      const reduced = await engine.applyGrant(grantee, fewer, applied);
      assert.ok(!reduced.privileges.some((p) => p.startsWith('INSERT')));
      await asAdmin(admin, async (conn) => {
        for (const host of hosts)
          assert.doesNotMatch((await showGrants(conn, user, host)).join('\n'), /INSERT/);
      });
      await asUser(admin, login, async (conn) => {
        await assert.rejects(conn.query('INSERT INTO items VALUES (3, 30, 0)'), /denied/);
      });

      // Drift by hand: a revoked privilege is seen as missing on that host only, and granted again.
      await asAdmin(admin, (conn) =>
        conn.query(`REVOKE SELECT ON \`${database}\`.items FROM ?@'127.0.0.1'`, [user]),
      );
      const drift = await engine.observeGrant(grantee, fewer, reduced);
      assert.deepEqual(drift.differences, [
        `SELECT ON TABLE \`${database}\`.\`items\` missing for '${user}'@'127.0.0.1'`,
      ]);
      assert.ok(!drift.state?.privileges.includes(`SELECT ON TABLE \`${database}\`.\`items\``));
      await engine.applyGrant(grantee, fewer, reduced);
      assert.deepEqual((await engine.observeGrant(grantee, fewer, reduced)).differences, []);

      // Privileges this grant does not own are left alone.
      await asAdmin(admin, (conn) => conn.query(`GRANT DELETE ON \`${database}\`.other TO ?@'%'`, [user]));
      assert.deepEqual((await engine.observeGrant(grantee, fewer, reduced)).differences, []);

      await engine.revokeGrant(grantee, reduced);
      await asAdmin(admin, async (conn) => {
        const text = (await showGrants(conn, user, '127.0.0.1')).join('\n');
        assert.doesNotMatch(text, /ON `/, text);
        assert.match((await showGrants(conn, user, '%')).join('\n'), /GRANT DELETE ON `.+`\.`other`/);
      });
    } finally {
      await engine.dropUser(user, { instanceRef, mysql: { allowedHosts: hosts } });
    }
  });

  it('grants global, routine-level and grant-option privileges and reads them back exactly', async () => {
    await asAdmin(admin, async (conn) => {
      await conn.query(`CREATE PROCEDURE \`${database}\`.touch() SELECT 1`);
      await conn.query(`CREATE FUNCTION \`${database}\`.answer() RETURNS INT DETERMINISTIC RETURN 42`);
    });
    const user = uniqueName('ru');
    const password = `pw-${crypto.randomUUID()}`;
    await engine.createUser(user, { instanceRef }, { password: password, owner: owner });
    const grantee = { kind: 'user' as const, name: user, hosts: ['%'] };
    const desired = {
      instanceRef,
      database,
      mysql: {
        global: { privileges: ['PROCESS' as const] },
        database: { privileges: ['SELECT' as const], withGrantOption: true },
        procedures: [{ name: 'touch', privileges: ['EXECUTE' as const] }],
        functions: [{ name: 'answer', privileges: ['EXECUTE' as const, 'ALTER ROUTINE' as const] }],
      },
    };
    try {
      const applied = await engine.applyGrant(grantee, desired, undefined);
      assert.deepEqual(applied.privileges, [
        `ALTER ROUTINE ON FUNCTION \`${database}\`.\`answer\``,
        `EXECUTE ON FUNCTION \`${database}\`.\`answer\``,
        `EXECUTE ON PROCEDURE \`${database}\`.\`touch\``,
        `GRANT OPTION ON DATABASE \`${database}\``,
        'PROCESS ON *.*',
        `SELECT ON DATABASE \`${database}\``,
      ]);
      const observed = await engine.observeGrant(grantee, desired, applied);
      assert.deepEqual(observed.differences, []);
      assert.deepEqual(observed.state, applied);
      await asUser(admin, { user, password, database }, async (conn) => {
        await conn.query('CALL touch()');
        assert.equal(Number((await queryRows(conn, 'SELECT answer() AS a'))[0]?.['a']), 42);
      });
      // Dropping the grant option and a routine privilege revokes exactly those.
      const fewer = {
        ...desired,
        mysql: {
          ...desired.mysql,
          database: { privileges: ['SELECT' as const] },
          functions: [{ name: 'answer', privileges: ['EXECUTE' as const] }],
        },
      };
      await engine.applyGrant(grantee, fewer, applied);
      await asAdmin(admin, async (conn) => {
        const text = (await showGrants(conn, user, '%')).join('\n');
        assert.doesNotMatch(text, /WITH GRANT OPTION|ALTER ROUTINE/, text);
        assert.match(text, /GRANT EXECUTE ON FUNCTION/, text);
      });
      assert.deepEqual((await engine.observeGrant(grantee, fewer, applied)).differences, []);
    } finally {
      await engine.dropUser(user, { instanceRef });
    }
  });

  it('explains a grant to an account that does not exist', async () => {
    const grantee = { kind: 'user' as const, name: uniqueName('ghost'), hosts: ['%'] };
    const desired = { instanceRef, database, mysql: { database: { privileges: ['SELECT' as const] } } };
    assert.equal((await engine.observeGrant(grantee, desired, undefined)).exists, false);
    await assert.rejects(engine.applyGrant(grantee, desired, undefined), /grantee account does not exist/);
  });

  it('escapes _ in a database-level grant so it does not match other databases', async () => {
    const user = uniqueName('wu');
    await engine.createUser(user, { instanceRef }, { password: 'pw-wild', owner: owner });
    const grantee = { kind: 'user' as const, name: user, hosts: ['%'] };
    const desired = { instanceRef, database, mysql: { database: { privileges: ['SELECT' as const] } } };
    try {
      const applied = await engine.applyGrant(grantee, desired, undefined);
      await asAdmin(admin, async (conn) => {
        const rows = await queryRows(conn, 'SELECT Db FROM mysql.db WHERE User = ?', [user]);
        assert.deepEqual(
          rows.map((r) => String(r['Db'])),
          [database.replace(/_/g, '\\_')],
        );
      });
      assert.deepEqual((await engine.observeGrant(grantee, desired, applied)).differences, []);
    } finally {
      await engine.dropUser(user, { instanceRef });
    }
  });

  it('creates a role, grants it privileges, and makes a user a member whose login can use them', async () => {
    const role = uniqueName('role');
    const user = uniqueName('ru');
    const password = `pw-${crypto.randomUUID()}`;
    const hosts = ['%', '127.0.0.1'];
    assert.equal((await engine.observeRole(role, { instanceRef })).exists, false);
    await engine.createRole(role, { instanceRef }, owner);
    assert.equal((await engine.observeRole(role, { instanceRef })).exists, true);
    await engine.createUser(
      user,
      { instanceRef, mysql: { allowedHosts: hosts } },
      { password: password, owner: owner },
    );
    const roleGrant = {
      instanceRef,
      database,
      mysql: { tables: [{ name: 'items', privileges: ['SELECT' as const] }] },
    };
    const membership = { instanceRef, memberOf: [{ role }] };
    const member = { kind: 'user' as const, name: user, hosts };
    let applied: AppliedGrant | undefined;
    try {
      const rolePrivileges = await engine.applyGrant({ kind: 'role', name: role }, roleGrant, undefined);
      assert.deepEqual(
        (await engine.observeGrant({ kind: 'role', name: role }, roleGrant, rolePrivileges)).differences,
        [],
      );
      // Logins name the table in full: connecting to the database itself is denied until the role applies.
      await asUser(admin, { user, password }, async (conn) => {
        await assert.rejects(conn.query(`SELECT * FROM \`${database}\`.items`), /denied/);
      });
      assert.deepEqual((await engine.observeGrant(member, membership, undefined)).differences, [
        `${role} missing for '${user}'@'%'`,
        `${role} missing for '${user}'@'127.0.0.1'`,
      ]);
      applied = await engine.applyGrant(member, membership, undefined);
      assert.deepEqual(applied, { memberOf: [role], privileges: [] });
      assert.deepEqual((await engine.observeGrant(member, membership, applied)).differences, []);
      await asUser(admin, { user, password }, async (conn) => {
        const rows = await queryRows(conn, `SELECT price FROM \`${database}\`.items WHERE id = 1`);
        assert.equal(rows.length, 1);
      });
      // Leaving memberOf revokes the role on every host.
      const none = { instanceRef, memberOf: [] };
      await engine.applyGrant(member, none, applied);
      await asAdmin(admin, async (conn) => {
        const rows = await queryRows(conn, 'SELECT Host FROM mysql.roles_mapping WHERE User = ?', [user]);
        assert.deepEqual(rows, []);
      });
    } finally {
      await engine.dropUser(user, { instanceRef, mysql: { allowedHosts: hosts } });
      await engine.dropRole(role);
    }
    assert.equal((await engine.observeRole(role, { instanceRef })).exists, false);
  });
});

describe('MariaDB engine: grants converge to the spec at their scope', () => {
  let database: string;
  let second: string;
  before(async () => {
    database = uniqueName('sdb');
    second = uniqueName('sdb');
    await engine.createDatabase(database, { instanceRef }, owner);
    await engine.createDatabase(second, { instanceRef }, owner);
    await asAdmin(admin, async (conn) => {
      await conn.query(`CREATE TABLE \`${database}\`.items (id INT PRIMARY KEY, price INT, secret INT)`);
      await conn.query(`INSERT INTO \`${database}\`.items VALUES (1, 10, 99)`);
      await conn.query(`CREATE TABLE \`${database}\`.other (id INT)`);
    });
  });
  after(async () => {
    await engine.dropDatabase(database);
    await engine.dropDatabase(second);
  });

  /** A fresh user on host %, dropped after `fn`. */
  async function withUser(fn: (user: string, password: string) => Promise<void>): Promise<void> {
    const user = uniqueName('su');
    const password = `pw-${crypto.randomUUID()}`;
    await engine.createUser(user, { instanceRef }, { password, owner });
    try {
      await fn(user, password);
    } finally {
      await engine.dropUser(user, { instanceRef });
    }
  }

  const grants = (user: string) =>
    asAdmin(admin, async (conn) => (await showGrants(conn, user, '%')).join('\n'));
  /** The database name as a GRANT typed by hand spells it: `_` unescaped (a wildcard). */
  const verbatim = (db: string) => `\`${db}\``;
  /** As this engine writes it: `_` escaped. */
  const escaped = (db: string) => `\`${db.replaceAll('_', '\\_')}\``;

  /** Observes the drift, applies once, and checks the grant is then converged and idle. */
  async function converges(
    grantee: Grantee,
    desired: DatabaseGrantParameters,
    applied: AppliedGrant,
    drift: string[],
  ): Promise<string[]> {
    const seen = await engine.observeGrant(grantee, desired, applied);
    assert.equal(seen.exists, true);
    assert.deepEqual(seen.differences.sort(), drift.sort());
    const sent = await writesDuring(() => engine.applyGrant(grantee, desired, applied));
    assert.deepEqual((await engine.observeGrant(grantee, desired, applied)).differences, []);
    assert.deepEqual(await writesDuring(() => engine.applyGrant(grantee, desired, applied)), [], 'idle');
    return sent;
  }

  it('revokes a database privilege added by hand, however the GRANT spelled the database', async () => {
    await withUser(async (user, password) => {
      const grantee = { kind: 'user' as const, name: user, hosts: ['%'] };
      const desired = { instanceRef, database, mysql: { database: { privileges: ['SELECT' as const] } } };
      const applied = await engine.applyGrant(grantee, desired, undefined);
      await asAdmin(admin, (conn) => conn.query(`GRANT DELETE ON ${escaped(database)}.* TO ?@'%'`, [user]));
      await asUser(admin, { user, password, database }, (conn) =>
        conn.query('DELETE FROM items WHERE id = 0'),
      );
      const sent = await converges(grantee, desired, applied, [
        `DELETE ON DATABASE \`${database}\` not in the spec, to be revoked from '${user}'@'%'`,
      ]);
      assert.deepEqual(sent, [`REVOKE DELETE ON ${escaped(database)}.* FROM '${user}'@'%'`]);
      assert.doesNotMatch(await grants(user), /DELETE/);
      await asUser(admin, { user, password, database }, async (conn) => {
        await assert.rejects(conn.query('DELETE FROM items WHERE id = 0'), /denied/);
        await queryRows(conn, 'SELECT id FROM items');
      });

      // Typed by hand, the name's _ stays a wildcard: a row of its own, for this database (where the engine's
      // escaped row shadows it) and every name its _ matches.
      await asAdmin(admin, (conn) => conn.query(`GRANT DELETE ON ${verbatim(database)}.* TO ?@'%'`, [user]));
      const again = await converges(grantee, desired, applied, [
        `DELETE ON DATABASE PATTERN \`${database}\` not in the spec, to be revoked from '${user}'@'%'`,
      ]);
      assert.deepEqual(again, [`REVOKE DELETE ON ${verbatim(database)}.* FROM '${user}'@'%'`]);
      assert.doesNotMatch(await grants(user), /DELETE/);
      assert.match(await grants(user), /GRANT SELECT ON `.+`\.\*/);
    });
  });

  it('revokes a table privilege added by hand on a listed table, and one on a listed column', async () => {
    await withUser(async (user, password) => {
      const grantee = { kind: 'user' as const, name: user, hosts: ['%'] };
      const desired = {
        instanceRef,
        database,
        mysql: {
          tables: [{ name: 'items', privileges: ['SELECT' as const] }],
          columns: [{ table: 'items', columns: ['price'], privileges: ['UPDATE' as const] }],
        },
      };
      const applied = await engine.applyGrant(grantee, desired, undefined);
      await asAdmin(admin, async (conn) => {
        await conn.query(`GRANT DELETE ON \`${database}\`.items TO ?@'%'`, [user]);
        await conn.query(`GRANT INSERT (price) ON \`${database}\`.items TO ?@'%'`, [user]);
      });
      const sent = await converges(grantee, desired, applied, [
        `DELETE ON TABLE \`${database}\`.\`items\` not in the spec, to be revoked from '${user}'@'%'`,
        `INSERT (\`price\`) ON TABLE \`${database}\`.\`items\` not in the spec, to be revoked from '${user}'@'%'`,
      ]);
      assert.equal(sent.length, 2, sent.join('\n'));
      const text = await grants(user);
      assert.doesNotMatch(text, /DELETE|INSERT/, text);
      assert.match(text, /GRANT SELECT, UPDATE \(`price`\) ON `.+`\.`items`/, text);
      await asUser(admin, { user, password, database }, async (conn) => {
        await assert.rejects(conn.query('DELETE FROM items WHERE id = 0'), /denied/);
        await conn.query('UPDATE items SET price = 12 WHERE id = 1');
      });
    });
  });

  it('revokes a GRANT OPTION added by hand on the server, the database and a table', async () => {
    await withUser(async (user) => {
      const grantee = { kind: 'user' as const, name: user, hosts: ['%'] };
      const desired = {
        instanceRef,
        database,
        mysql: {
          global: { privileges: ['PROCESS' as const] },
          database: { privileges: ['SELECT' as const] },
          tables: [{ name: 'items', privileges: ['INSERT' as const] }],
        },
      };
      const applied = await engine.applyGrant(grantee, desired, undefined);
      await asAdmin(admin, async (conn) => {
        await conn.query(`GRANT USAGE ON *.* TO ?@'%' WITH GRANT OPTION`, [user]);
        await conn.query(`GRANT SELECT ON ${escaped(database)}.* TO ?@'%' WITH GRANT OPTION`, [user]);
        // Given with a column privilege, the table's grant option has no row in information_schema.
        await conn.query(`GRANT SELECT (id) ON \`${database}\`.items TO ?@'%' WITH GRANT OPTION`, [user]);
      });
      const label = `'${user}'@'%'`;
      await converges(grantee, desired, applied, [
        `GRANT OPTION ON *.* not in the spec, to be revoked from ${label}`,
        `GRANT OPTION ON DATABASE \`${database}\` not in the spec, to be revoked from ${label}`,
        `GRANT OPTION ON TABLE \`${database}\`.\`items\` not in the spec, to be revoked from ${label}`,
      ]);
      const text = await grants(user);
      assert.doesNotMatch(text, /WITH GRANT OPTION/, text);
      // The column privilege is on a column the grant does not list: not its to take.
      assert.match(text, /SELECT \(`id`\)/, text);
    });
  });

  it('leaves privileges alone on objects the grant does not name', async () => {
    await withUser(async (user) => {
      const grantee = { kind: 'user' as const, name: user, hosts: ['%'] };
      const desired = {
        instanceRef,
        database,
        mysql: {
          database: { privileges: ['SELECT' as const] },
          columns: [{ table: 'items', columns: ['price'], privileges: ['UPDATE' as const] }],
        },
      };
      const applied = await engine.applyGrant(grantee, desired, undefined);
      await asAdmin(admin, async (conn) => {
        await conn.query(`GRANT RELOAD ON *.* TO ?@'%'`, [user]);
        await conn.query(`GRANT SELECT ON ${escaped(second)}.* TO ?@'%'`, [user]);
        await conn.query(`GRANT DELETE ON \`${database}\`.other TO ?@'%'`, [user]);
        await conn.query(`GRANT INSERT ON \`${database}\`.items TO ?@'%'`, [user]);
        await conn.query(`GRANT SELECT (secret) ON \`${database}\`.items TO ?@'%'`, [user]);
      });
      const before = await grants(user);
      assert.deepEqual((await engine.observeGrant(grantee, desired, applied)).differences, []);
      assert.deepEqual(await writesDuring(() => engine.applyGrant(grantee, desired, applied)), []);
      assert.equal(await grants(user), before);
      assert.match(before, /RELOAD ON \*\.\*/);
      assert.match(before, /DELETE ON `.+`\.`other`/);
      assert.match(before, /SELECT \(`secret`\), INSERT, UPDATE \(`price`\) ON `.+`\.`items`/);
    });
  });

  it('keeps two grants of one grantee on two databases stable, each correcting only its own', async () => {
    await withUser(async (user) => {
      const grantee = { kind: 'user' as const, name: user, hosts: ['%'] };
      const a = { instanceRef, database, mysql: { database: { privileges: ['SELECT' as const] } } };
      const b = {
        instanceRef,
        database: second,
        mysql: { database: { privileges: ['SELECT' as const, 'INSERT' as const] } },
      };
      const appliedA = await engine.applyGrant(grantee, a, undefined);
      const appliedB = await engine.applyGrant(grantee, b, undefined);
      for (let round = 0; round < 2; round++) {
        const sent = await writesDuring(async () => {
          assert.deepEqual((await engine.observeGrant(grantee, a, appliedA)).differences, []);
          assert.deepEqual((await engine.observeGrant(grantee, b, appliedB)).differences, []);
          await engine.applyGrant(grantee, a, appliedA);
          await engine.applyGrant(grantee, b, appliedB);
        });
        assert.deepEqual(sent, [], `round ${String(round)}`);
      }
      // Drift on the second database is the second grant's alone.
      await asAdmin(admin, (conn) => conn.query(`GRANT DELETE ON ${escaped(second)}.* TO ?@'%'`, [user]));
      assert.deepEqual((await engine.observeGrant(grantee, a, appliedA)).differences, []);
      await converges(grantee, b, appliedB, [
        `DELETE ON DATABASE \`${second}\` not in the spec, to be revoked from '${user}'@'%'`,
      ]);
      const text = await grants(user);
      assert.match(
        text,
        new RegExp(`GRANT SELECT ON ${escaped(database).replaceAll('\\', '\\\\')}\\.\\*`),
        text,
      );
      assert.match(text, /GRANT SELECT, INSERT ON `.+`\.\*/, text);
    });
  });

  it('reads a role’s server-wide privileges back (MariaDB leaves roles out of USER_PRIVILEGES)', async () => {
    const role = uniqueName('srole');
    await engine.createRole(role, { instanceRef }, owner);
    const grantee = { kind: 'role' as const, name: role };
    const desired = { instanceRef, mysql: { global: { privileges: ['PROCESS' as const] } } };
    try {
      const applied = await engine.applyGrant(grantee, desired, undefined);
      assert.deepEqual((await engine.observeGrant(grantee, desired, applied)).differences, []);
      assert.deepEqual(await writesDuring(() => engine.applyGrant(grantee, desired, applied)), []);
      await asAdmin(admin, (conn) => conn.query(`GRANT RELOAD ON *.* TO ${role} WITH GRANT OPTION`));
      await converges(grantee, desired, applied, [
        `GRANT OPTION ON *.* not in the spec, to be revoked from '${role}'@''`,
        `RELOAD ON *.* not in the spec, to be revoked from '${role}'@''`,
      ]);
      const text = await asAdmin(admin, async (conn) =>
        (await queryRows(conn, 'SHOW GRANTS FOR ?', [role]))
          .map((r) => String(Object.values(r)[0]))
          .join('\n'),
      );
      assert.match(text, /^GRANT PROCESS ON \*\.\* TO `[^`]+`$/m, text);
    } finally {
      await engine.dropRole(role);
    }
  });
});

describe('MariaDB engine: ownership ledger', () => {
  /** The ledger row of a name, read behind the engine's back. */
  async function ledgerRow(objectClass: string, name: string): Promise<string | undefined> {
    return asAdmin(admin, async (conn) => {
      const rows = await queryRows(
        conn,
        'SELECT owner FROM dbops_provider.owners WHERE object_class = ? AND name = ?',
        [objectClass, name],
      );
      return rows[0] === undefined ? undefined : String(rows[0]['owner']);
    });
  }

  it('reports the record of a created object, keeps it when the object is dropped by hand, and drops it with the object', async () => {
    const name = uniqueName('odb');
    await engine.createDatabase(name, { instanceRef }, owner);
    assert.equal((await engine.observeDatabase(name, { instanceRef })).owner, owner);
    assert.equal(await ledgerRow('database', name), owner);

    await asAdmin(admin, (conn) => conn.query(`DROP DATABASE \`${name}\``));
    assert.deepEqual(await engine.observeDatabase(name, { instanceRef }), {
      exists: false,
      owner,
      differences: [],
    });
    // The vanished object's owner re-creates it: the claim is already its own.
    await engine.createDatabase(name, { instanceRef }, owner);
    assert.equal((await engine.observeDatabase(name, { instanceRef })).exists, true);

    await engine.dropDatabase(name);
    assert.deepEqual(await engine.observeDatabase(name, { instanceRef }), { exists: false, differences: [] });
    assert.equal(await ledgerRow('database', name), undefined);
  });

  it('does the same for users (one record for all hosts) and roles', async () => {
    const user = uniqueName('ou');
    const spec = { instanceRef, mysql: { allowedHosts: ['%', '127.0.0.1'] } };
    await engine.createUser(user, spec, { password: `pw-${crypto.randomUUID()}`, owner: owner });
    assert.equal((await engine.observeUser(user, spec)).owner, owner);
    await asAdmin(admin, async (conn) => {
      await conn.query("DROP USER ?@'%'", [user]);
      await conn.query("DROP USER ?@'127.0.0.1'", [user]);
    });
    assert.deepEqual(await engine.observeUser(user, spec), { exists: false, owner, differences: [] });
    await engine.dropUser(user, spec);
    assert.deepEqual(await engine.observeUser(user, spec), { exists: false, differences: [] });

    const role = uniqueName('orl');
    await engine.createRole(role, { instanceRef }, otherOwner);
    assert.deepEqual(await engine.observeRole(role, { instanceRef }), {
      exists: true,
      state: {},
      owner: otherOwner,
      differences: [],
    });
    await engine.dropRole(role);
    assert.deepEqual(await engine.observeRole(role, { instanceRef }), { exists: false, differences: [] });
    assert.equal(await ledgerRow('account', role), undefined);
  });

  it('records an owner for an existing object, replaces it, and reads several names in one call', async () => {
    const [a, b, none] = [uniqueName('ra'), uniqueName('rb'), uniqueName('rn')];
    await asAdmin(admin, async (conn) => {
      await conn.query(`CREATE DATABASE \`${a}\``);
      await conn.query(`CREATE DATABASE \`${b}\``);
    });
    try {
      const found = await engine.observeDatabase(a, { instanceRef });
      assert.equal(found.exists, true);
      assert.equal(found.owner, undefined, 'made by hand: no record');
      assert.equal('owner' in found, false);

      await engine.recordOwner('database', a, owner);
      assert.equal((await engine.observeDatabase(a, { instanceRef })).owner, owner);
      await engine.recordOwner('database', a, otherOwner);
      assert.equal((await engine.observeDatabase(a, { instanceRef })).owner, otherOwner);
      await engine.recordOwner('database', b, owner);

      assert.deepEqual(
        await engine.readOwners('database', [a, b, none]),
        new Map([
          [a, otherOwner],
          [b, owner],
        ]),
      );
      // Classes are apart: an account of the same name has no record.
      assert.deepEqual(await engine.readOwners('account', [a, b]), new Map());
      assert.deepEqual(await writesDuring(() => engine.readOwners('database', [])), []);
    } finally {
      await engine.dropDatabase(a);
      await engine.dropDatabase(b);
    }
  });

  it('refuses a create when another owner holds the name, and creates nothing', async () => {
    const db = uniqueName('cdb');
    const user = uniqueName('cu');
    const role = uniqueName('cr');
    // Records of vanished objects of another owner.
    await engine.recordOwner('database', db, otherOwner);
    await engine.recordOwner('account', user, otherOwner);
    await engine.recordOwner('account', role, otherOwner);
    try {
      const attempts: [string, () => Promise<unknown>][] = [
        [`database ${db}`, () => engine.createDatabase(db, { instanceRef }, owner)],
        [`user ${user}`, () => engine.createUser(user, { instanceRef }, { password: 'pw', owner: owner })],
        [`role ${role}`, () => engine.createRole(role, { instanceRef }, owner)],
      ];
      for (const [what, attempt] of attempts) {
        const sent = writes.length;
        await assert.rejects(attempt(), (err: unknown) => {
          assert.ok(err instanceof OwnedElsewhereError, String(err));
          assert.equal(err.owner, otherOwner);
          assert.equal(
            err.message,
            `${what} is recorded in the ownership ledger as "${otherOwner}"; nothing was created`,
          );
          return true;
        });
        assert.deepEqual(
          writes.slice(sent).map((w) => w.split(' ')[0]),
          ['INSERT'],
          'the claim only',
        );
      }
      assert.equal((await engine.observeDatabase(db, { instanceRef })).exists, false);
      assert.equal((await engine.observeUser(user, { instanceRef })).exists, false);
      assert.equal((await engine.observeRole(role, { instanceRef })).exists, false);
      assert.equal(await ledgerRow('database', db), otherOwner);
      assert.equal(await ledgerRow('account', user), otherOwner);
    } finally {
      await engine.dropDatabase(db);
      await engine.dropUser(user, { instanceRef });
      await engine.dropRole(role);
    }
  });

  it('refuses to create an object that exists without a record, and leaves no record', async () => {
    const db = uniqueName('xdb');
    const user = uniqueName('xu');
    const role = uniqueName('xr');
    await asAdmin(admin, async (conn) => {
      await conn.query(`CREATE DATABASE \`${db}\``);
      await conn.query("CREATE USER ?@'%'", [user]);
      await conn.query('CREATE ROLE ?', [role]);
    });
    try {
      await assert.rejects(
        engine.createDatabase(db, { instanceRef }, owner),
        new RegExp(`database ${db} already exists; create never takes over an existing object`),
      );
      const hosts = { instanceRef, mysql: { allowedHosts: ['%', '127.0.0.1'] } };
      await assert.rejects(
        engine.createUser(user, hosts, { password: 'pw', owner: owner }),
        /already exists/,
      );
      await assert.rejects(engine.createRole(role, { instanceRef }, owner), /already exists/);
      assert.deepEqual(await engine.readOwners('database', [db]), new Map());
      assert.deepEqual(await engine.readOwners('account', [user, role]), new Map());
      // The user's missing host was not added either.
      assert.deepEqual((await engine.observeUser(user, hosts)).state?.['hosts'], ['%']);
    } finally {
      await asAdmin(admin, async (conn) => {
        await conn.query(`DROP DATABASE \`${db}\``);
        await conn.query("DROP USER ?@'%'", [user]);
        await conn.query('DROP ROLE ?', [role]);
      });
    }
  });

  it('finishes a user whose create stopped half way, with the password of the retry on every host', async () => {
    const user = uniqueName('hw');
    const spec = { instanceRef, mysql: { allowedHosts: ['%', '127.0.0.1'] } };
    // As a crash leaves it: the claim made, one account created with a password never published.
    await engine.recordOwner('account', user, owner);
    await asAdmin(admin, (conn) => conn.query("CREATE USER ?@'%' IDENTIFIED BY 'lost'", [user]));
    const password = `pw-${crypto.randomUUID()}`;
    try {
      await engine.createUser(user, spec, { password: password, owner: owner });
      assert.deepEqual((await engine.observeUser(user, spec)).state?.['hosts'], ['%', '127.0.0.1']);
      await asAdmin(admin, async (conn) => {
        const rows = await queryRows(
          conn,
          'SELECT Host, authentication_string = PASSWORD(?) AS current FROM mysql.user WHERE User = ? ORDER BY Host',
          [password, user],
        );
        assert.deepEqual(
          rows.map((r) => [String(r['Host']), Number(r['current'])]),
          [
            ['%', 1],
            ['127.0.0.1', 1],
          ],
        );
      });
    } finally {
      await engine.dropUser(user, spec);
    }
  });

  it('creates the ledger with the first write, as the harness admin login, on a fresh server', async () => {
    const server = await startMariaDb();
    const sent: string[] = [];
    const settings = mariadbSettings(server.admin);
    const fresh = createMysqlEngine(settings, { onWrite: (sql) => sent.push(sql) });
    const again = createMysqlEngine(settings, { onWrite: (sql) => sent.push(sql) });
    try {
      // No ledger yet: reads find no records and write nothing.
      assert.deepEqual(await fresh.readOwners('database', ['first']), new Map());
      assert.deepEqual(await fresh.observeDatabase('first', { instanceRef }), {
        exists: false,
        differences: [],
      });
      assert.deepEqual(await fresh.observeUser('first', { instanceRef }), { exists: false, differences: [] });
      assert.equal(sent.length, 0, sent.join('; '));

      await fresh.createDatabase('first', { instanceRef }, owner);
      assert.deepEqual(
        sent.map((w) => w.split(' (')[0]),
        [
          "CREATE DATABASE IF NOT EXISTS `dbops_provider` CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_bin'",
          'CREATE TABLE IF NOT EXISTS `dbops_provider`.`owners`',
          'INSERT INTO `dbops_provider`.`owners`',
          "CREATE DATABASE `first` CHARACTER SET 'utf8mb4'",
        ],
      );
      assert.match(
        sent[2]!,
        /VALUES \('database', 'first', 'managed by provider-dbops: Database engine-test\/a'\)$/,
      );
      const table = await asAdmin(server.admin, async (conn) => {
        const rows = await queryRows(conn, 'SHOW CREATE TABLE dbops_provider.owners');
        return String(rows[0]?.['Create Table']);
      });
      assert.match(table, /PRIMARY KEY \(`object_class`,`name`\)/);
      assert.match(table, /COLLATE=utf8mb4_bin/);

      // Once per engine; another engine (a restarted provider) finds it and reads the record.
      sent.length = 0;
      await fresh.createRole('second', { instanceRef }, owner);
      await again.recordOwner('account', 'third', otherOwner);
      assert.deepEqual(
        sent.map((w) => w.split(' ')[0]),
        ['INSERT', 'CREATE', 'INSERT'],
      );
      assert.equal((await again.observeDatabase('first', { instanceRef })).owner, owner);

      // A ledger dropped by hand is made again by the next write.
      await asAdmin(server.admin, (conn) => conn.query('DROP DATABASE dbops_provider'));
      assert.equal((await fresh.observeDatabase('first', { instanceRef })).owner, undefined);
      await fresh.recordOwner('database', 'first', owner);
      assert.equal((await fresh.observeDatabase('first', { instanceRef })).owner, owner);
    } finally {
      await fresh.close();
      await again.close();
      await server.stop();
    }
  });
});
