import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createLogger,
  nopLogger,
  objectFields,
  type LogFormat,
  type LogLevel,
  type Logger,
} from '../../../src/log/logger.ts';
import { formatTextLine } from '../../../src/log/text.ts';

function capture(level: LogLevel = 'debug', format: LogFormat = 'json'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ level, format, destination: { write: (line: string) => lines.push(line) } });
  return { log, lines };
}

function records(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => {
    assert.ok(line.endsWith('\n'), 'one record per line');
    return JSON.parse(line) as Record<string, unknown>;
  });
}

describe('createLogger (json)', () => {
  it("writes the monitoring spec's shape", () => {
    const { log, lines } = capture('info');
    const object = { metadata: { namespace: 'default', name: 'myapp-database', generation: 1 } };
    log.child({ logger: 'controller.database' }).child(objectFields(object)).info('Reconciling Database');
    const [record] = records(lines);
    assert.ok(record);
    assert.deepEqual(Object.keys(record).sort(), [
      'generation',
      'level',
      'logger',
      'msg',
      'name',
      'namespace',
      'ts',
    ]);
    assert.equal(record['level'], 'info');
    assert.equal(record['logger'], 'controller.database');
    assert.equal(record['msg'], 'Reconciling Database');
    assert.equal(record['namespace'], 'default');
    assert.equal(record['name'], 'myapp-database');
    assert.equal(record['generation'], 1);
    assert.match(String(record['ts']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(!('pid' in record) && !('hostname' in record) && !('time' in record));
  });

  it('writes the level as a word and drops lines below the configured level', () => {
    const cases: { level: LogLevel; want: string[] }[] = [
      { level: 'debug', want: ['debug', 'info', 'warn', 'error'] },
      { level: 'info', want: ['info', 'warn', 'error'] },
      { level: 'warn', want: ['warn', 'error'] },
      { level: 'error', want: ['error'] },
    ];
    for (const c of cases) {
      const { log, lines } = capture(c.level);
      log.debug('d');
      log.info('i');
      log.warn({ k: 1 }, 'w');
      log.error({ k: 2 }, 'e');
      assert.deepEqual(
        records(lines).map((r) => r['level']),
        c.want,
        `at ${c.level}`,
      );
    }
  });

  it('writes each key once when a child re-binds it', () => {
    const { log, lines } = capture();
    log
      .child({ logger: 'controller' })
      .child({ logger: 'controller.user', name: 'a' })
      .child({ name: 'b' })
      .info('x');
    const [line] = lines;
    assert.equal(line?.match(/"logger"/g)?.length, 1);
    assert.equal(line.match(/"name"/g)?.length, 1);
    assert.deepEqual(records(lines)[0]?.['name'], 'b');
  });

  it('puts an Error under err with type, message and stack, and uses its message when none is given', () => {
    const { log, lines } = capture();
    const err = Object.assign(new TypeError('boom'), { code: 'E_BOOM' });
    log.error(err);
    log.error({ err }, 'Cannot observe external resource');
    const [bare, withMessage] = records(lines);
    assert.ok(bare && withMessage);
    assert.equal(bare['msg'], 'boom');
    assert.equal(withMessage['msg'], 'Cannot observe external resource');
    const serialised = withMessage['err'] as Record<string, unknown>;
    assert.equal(serialised['type'], 'TypeError');
    assert.equal(serialised['message'], 'boom');
    assert.equal(serialised['code'], 'E_BOOM');
    assert.match(String(serialised['stack']), /TypeError: boom\n\s+at /);
  });

  it('keeps % sequences in messages literally', () => {
    const { log, lines } = capture();
    log.info('100% of %s done');
    assert.equal(records(lines)[0]?.['msg'], '100% of %s done');
  });

  it('keeps secrets out of every part of the line', () => {
    const { log, lines } = capture();
    const mysqlError = Object.assign(new Error("You have an error … near 'BY 'secret-1'' at line 1"), {
      sql: "CREATE USER 'a'@'%' IDENTIFIED BY 'secret-2'",
      code: 'ER_PARSE_ERROR',
    });
    const child = log.child({ logger: 'engine.mysql', dsn: 'mysql://root:secret-3@db:3306/' });
    child.error({ err: mysqlError }, 'Cannot create user');
    child.error(mysqlError);
    child.warn(
      { error: mysqlError, password: 'secret-4', nested: { config: { password: 'secret-5' } } },
      'x',
    );
    child.info(
      { statement: `ALTER ROLE r PASSWORD 'secret-6'` },
      'connect to postgres://u:secret-7@h failed',
    );
    child.debug({ details: { password: Buffer.from('secret-8') } }, 'Published connection details');
    child.info({ err: new Error('outer', { cause: new Error("PASSWORD 'secret-9'") }) }, 'cause chain');
    const output = lines.join('');
    for (let i = 1; i <= 9; i++) assert.ok(!output.includes(`secret-${i}`), `secret-${i} leaked:\n${output}`);
    assert.equal(lines.length, 6);
  });

  it('accepts a plain object as fields, as the runtime passes them', () => {
    const { log, lines } = capture();
    const fields: object = { requeueAfter: 1000 };
    log.debug(fields, 'Requeue');
    assert.equal(records(lines)[0]?.['requeueAfter'], 1000);
  });
});

describe('createLogger (text)', () => {
  it('writes one compact human line per record', () => {
    const { log, lines } = capture('info', 'text');
    log
      .child({
        logger: 'controller.database',
        ...objectFields({ metadata: { namespace: 'default', name: 'app', generation: 2 } }),
      })
      .info({ reason: 'up to date', password: 'text-secret' }, 'Reconciled');
    assert.equal(lines.length, 1);
    assert.match(
      lines[0] ?? '',
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}controller\.database: Reconciled namespace=default name=app generation=2 reason="up to date" password=\[REDACTED\]\n$/,
    );
  });
});

describe('formatTextLine', () => {
  const cases: { reason: string; record: Record<string, unknown>; want: string }[] = [
    {
      reason: 'without a logger name or fields',
      record: { level: 'warn', ts: 'T', msg: 'hello' },
      want: 'T WARN  hello\n',
    },
    {
      reason: 'objects as JSON, plain words bare',
      record: {
        level: 'debug',
        ts: 'T',
        logger: 'l',
        msg: 'm',
        n: 1,
        word: 'ok',
        obj: { a: [1] },
        eq: 'a=b',
      },
      want: 'T DEBUG l: m n=1 word=ok obj={"a":[1]} eq="a=b"\n',
    },
    {
      reason: 'an error with its stack frames on indented lines',
      record: {
        level: 'error',
        ts: 'T',
        msg: 'failed',
        err: {
          type: 'Error',
          message: 'bad thing',
          stack: 'Error: bad thing\n    at f (a.ts:1:1)\n    at g (b.ts:2:2)',
        },
      },
      want: 'T ERROR failed err="bad thing"\n    at f (a.ts:1:1)\n    at g (b.ts:2:2)\n',
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      assert.equal(formatTextLine(JSON.stringify(c.record)), c.want);
    });
  }
});

describe('objectFields', () => {
  it('omits what the object lacks', () => {
    assert.deepEqual(objectFields({ metadata: { name: 'cluster-scoped' } }), { name: 'cluster-scoped' });
  });
});

describe('nopLogger', () => {
  it('accepts every call and returns itself as a child', () => {
    nopLogger.info('x');
    nopLogger.error({ err: new Error('x') }, 'y');
    assert.equal(nopLogger.child({ a: 1 }), nopLogger);
  });
});
