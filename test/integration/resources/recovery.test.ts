// What an SRE sees after a bad night, on both engines: the server restarts, or the admin login stops working
// (a rotated password not yet in the Secret). Every kind on the instance says why it waits, and once the
// server or the Secret is right again, every kind is Ready again and new objects reach the server: nothing
// stays wedged until the provider restarts.
import { after, before, describe, it } from 'node:test';
import { kinds } from '../../../src/apis/registry.ts';
import { secretType } from '../../../src/kube/core.ts';
import { startMariaDb, type MariaDbServer } from '../../harness/mariadb.ts';
import { startPostgres, type PostgresServer } from '../../harness/postgres.ts';
import { startProvider, type Kind, type Provider } from './support.ts';

let p: Provider;
before(async () => {
  p = await startProvider('recovery');
});
after(async () => {
  await p.stop();
});

type Engine = 'postgres' | 'mariadb';

for (const engine of ['postgres', 'mariadb'] as const satisfies readonly Engine[]) {
  describe(`recovery on ${engine}`, () => {
    let server: PostgresServer | MariaDbServer;
    const instance = `${engine}-r`;
    const on = { instanceRef: { name: instance } };
    before(async () => {
      server = engine === 'postgres' ? await startPostgres() : await startMariaDb();
      await p.instance(instance, engine, server.admin);
      await p.ready('DatabaseInstance', instance);
    });
    after(async () => {
      await server.stop();
    });

    /** A database, a user, a role and a grant of the user on the database, all with names ending in `suffix`. */
    async function everyKind(suffix: string): Promise<[Kind, string][]> {
      const db = `${engine}-db-${suffix}`;
      const user = `${engine}-user-${suffix}`;
      await p.create('Database', db, { forProvider: on });
      await p.create('DatabaseUser', user, { forProvider: on, writeConnectionSecretToRef: { name: user } });
      await p.create('DatabaseRole', `${engine}-role-${suffix}`, { forProvider: on });
      const privileges =
        engine === 'postgres'
          ? { postgres: { database: { privileges: ['CONNECT'] } } }
          : { mysql: { database: { privileges: ['SELECT'] } } };
      await p.create('DatabaseGrant', `${engine}-grant-${suffix}`, {
        forProvider: { ...on, userRef: { name: user }, databaseRef: { name: db }, ...privileges },
      });
      return [
        ['Database', db],
        ['DatabaseUser', user],
        ['DatabaseRole', `${engine}-role-${suffix}`],
        ['DatabaseGrant', `${engine}-grant-${suffix}`],
      ];
    }

    async function allReady(objects: [Kind, string][]): Promise<void> {
      for (const [kind, name] of objects) await p.ready(kind, name, 60_000);
    }

    it('recovers every kind after a server restart', async () => {
      const before = await everyKind('restart');
      await allReady(before);
      await server.halt();
      await p.condition('DatabaseInstance', instance, 'Ready', 'False');
      // Reconciled during the outage: each must say why and drop that error once the server is back.
      for (const [kind, name] of before) {
        await p.kube.patch(
          kinds[kind],
          { namespace: p.namespace, name },
          { metadata: { annotations: { 'crossplane.io/reconcile-requested-at': 'outage' } } },
          { strategy: 'merge' },
        );
      }
      await p.condition('Database', before[0]?.[1] ?? '', 'Synced', 'False', /unavailable/);
      await server.resume();
      await p.ready('DatabaseInstance', instance, 60_000);
      await allReady(before);
      await allReady(await everyKind('after-restart'));
    });

    it('recovers every kind after the admin login failed', async () => {
      const before = await everyKind('login');
      await allReady(before);
      const admin = `${instance}-admin`;
      const setPassword = (password: string) =>
        p.kube.patch(
          secretType,
          { namespace: p.namespace, name: admin },
          { data: { password: Buffer.from(password).toString('base64') } },
          { strategy: 'merge' },
        );
      await setPassword('not-the-password');
      await p.condition('DatabaseInstance', instance, 'Ready', 'False', /denied|authentication|password/i);
      await setPassword(server.admin.password);
      await p.ready('DatabaseInstance', instance, 60_000);
      await allReady(before);
      await allReady(await everyKind('after-login'));
    });
  });
}
