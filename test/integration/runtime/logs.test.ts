// The provider's log lines as an SRE searches them: real pino JSON from a real reconcile of a Database that
// succeeds and of one that fails, each line with the monitoring spec's fields (level, ts, logger, msg,
// namespace, name, generation), the failure at warn with its reason, and no password anywhere.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../../src/log/logger.ts';
import { eventually } from '../../harness/wait.ts';
import { startProvider, type Provider } from '../resources/support.ts';

interface Line {
  level: string;
  ts: string;
  logger?: string;
  msg: string;
  namespace?: string;
  name?: string;
  generation?: number;
  reason?: string;
}

const lines: string[] = [];
const password = `log-Secret-${String(process.pid)}`;
let p: Provider;
before(async () => {
  const log = createLogger({ level: 'debug', format: 'json', destination: { write: (l) => lines.push(l) } });
  p = await startProvider('logs', { log });
  await p.instance('pg', 'postgres', p.env.postgres.admin);
  await p.ready('DatabaseInstance', 'pg');
});
after(async () => {
  await p.stop();
});

const parsed = (): Line[] => lines.map((l) => JSON.parse(l) as Line);
const about = (name: string) => parsed().filter((l) => l.name === name && l.namespace === p.namespace);

describe('log lines', () => {
  it('tie every line of a reconcile to its object, name the controller, and log a failure as a warning', async () => {
    await p.create('Database', 'logged', { forProvider: { instanceRef: { name: 'pg' } } });
    await p.ready('Database', 'logged');
    await p.create(
      'Database',
      'refused',
      { forProvider: { instanceRef: { name: 'pg' } } },
      {
        'crossplane.io/external-name': 'template1',
      },
    );
    const warning = await eventually('the refusal logged', () =>
      about('refused').find((l) => l.level === 'warn'),
    );
    assert.equal(warning.logger, 'controller.database');
    assert.equal(warning.generation, 1);
    assert.equal(warning.reason, 'CannotConnectToProvider');
    assert.match(warning.msg, /"template1" is protected/);
    assert.match(warning.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const created = about('logged').find((l) => l.reason === 'CreatedExternalResource');
    assert.ok(created, JSON.stringify(about('logged')));
    assert.equal(created.level, 'info');
    assert.equal(created.logger, 'controller.database');
    assert.equal(created.generation, 1);
    assert.ok(about('logged').some((l) => l.level === 'debug' && l.msg === 'Reconciling Database'));
  });

  it('never writes a password, not even the one a user is created with', async () => {
    await p.secret('given-pw', { password });
    await p.create('DatabaseUser', 'with-password', {
      forProvider: { instanceRef: { name: 'pg' }, passwordSecretRef: { name: 'given-pw', key: 'password' } },
    });
    await p.ready('DatabaseUser', 'with-password');
    assert.ok(about('with-password').length > 0);
    assert.deepEqual(
      lines.filter((l) => l.includes(password)),
      [],
    );
  });
});
