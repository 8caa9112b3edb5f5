// The ownership ledger's statements and the pure decisions around them. Names and records are bound values:
// whatever they contain, the statement text is fixed, and mysql2's formatting of the values yields exactly one
// string token per value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { format } from 'mysql2';
import { MysqlEngineError, missingLedger, refusedByServer } from '../../../../src/engines/mysql/errors.ts';
import { checkOwnerRecord, ownership } from '../../../../src/engines/mysql/ledger.ts';
import {
  claimSql,
  createLedgerDatabaseSql,
  createLedgerTableSql,
  forgetSql,
  ledgerNameMaxLength,
  ownedReadSql,
  readOwnersSql,
  recordSql,
  type Statement,
} from '../../../../src/engines/mysql/sql/ledger.ts';
import { lex, quoted, shape } from './sql-lexer.ts';

const owner = 'managed by provider-dbops: Database team-a/orders';

describe('ledger statements', () => {
  const cases: [string, Statement, string, unknown[]][] = [
    [
      'a claim is a plain INSERT: an existing record fails it with a duplicate key instead of being kept silently',
      claimSql('database', 'orders', owner),
      'INSERT INTO `dbops_provider`.`owners` (object_class, name, owner) VALUES (?, ?, ?)',
      ['database', 'orders', owner],
    ],
    [
      'recording replaces a record; the owner is bound twice so that no VALUES() (deprecated on MySQL) is needed',
      recordSql('account', 'app', owner),
      'INSERT INTO `dbops_provider`.`owners` (object_class, name, owner) VALUES (?, ?, ?)' +
        ' ON DUPLICATE KEY UPDATE owner = ?, recorded_at = CURRENT_TIMESTAMP',
      ['account', 'app', owner, owner],
    ],
    [
      'a drop forgets the record whoever holds it',
      forgetSql('account', 'app'),
      'DELETE FROM `dbops_provider`.`owners` WHERE object_class = ? AND name = ?',
      ['account', 'app'],
    ],
    [
      'a withdrawn claim removes only its own record',
      forgetSql('database', 'orders', owner),
      'DELETE FROM `dbops_provider`.`owners` WHERE object_class = ? AND name = ? AND owner = ?',
      ['database', 'orders', owner],
    ],
    [
      'many names in one SELECT: the array fills IN (?)',
      readOwnersSql('database', ['a', 'b']),
      'SELECT name, owner FROM `dbops_provider`.`owners` WHERE object_class = ? AND name IN (?)',
      ['database', ['a', 'b']],
    ],
    [
      'an observation reads the record beside the catalog, and gets it even when the catalog has no row',
      ownedReadSql(
        { sql: 'SELECT 1 AS found FROM mysql.user WHERE User = ?', values: ['app'] },
        'account',
        'app',
      ),
      'SELECT c.*, o.owner AS dbops_owner FROM (SELECT 1) AS driver' +
        ' LEFT JOIN (SELECT 1 AS found FROM mysql.user WHERE User = ?) AS c ON TRUE' +
        ' LEFT JOIN `dbops_provider`.`owners` AS o ON o.object_class = ? AND o.name = ?',
      ['app', 'account', 'app'],
    ],
  ];
  for (const [why, statement, sql, values] of cases) {
    it(why, () => {
      assert.equal(statement.sql, sql);
      assert.deepEqual(statement.values, values);
    });
  }

  it('refuses to read no names: IN () is a syntax error', () => {
    assert.throws(() => readOwnersSql('account', []), RangeError);
  });

  it('creates the ledger only if absent, with byte-wise names long enough for any database or user', () => {
    assert.equal(
      createLedgerDatabaseSql(),
      "CREATE DATABASE IF NOT EXISTS `dbops_provider` CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_bin'",
    );
    const table = createLedgerTableSql();
    assert.match(table, /^CREATE TABLE IF NOT EXISTS `dbops_provider`\.`owners` \(/);
    // MariaDB user names reach 80 characters, database names 64.
    assert.equal(ledgerNameMaxLength, 80);
    assert.match(table, /name VARCHAR\(80\) NOT NULL/);
    assert.match(table, /owner VARCHAR\(512\) NOT NULL/);
    assert.match(table, /PRIMARY KEY \(object_class, name\)/);
    assert.match(table, /ENGINE=InnoDB CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_bin'$/);
  });

  it('keeps any name and record out of the statement text', () => {
    const build = (name: string, record: string) => [
      claimSql('database', name, record),
      recordSql('account', name, record),
      forgetSql('account', name, record),
    ];
    const fixed = build('x', 'y');
    const anyText = fc.string({ unit: 'grapheme', minLength: 1 });
    fc.assert(
      fc.property(anyText, anyText, (name, record) => {
        build(name, record).forEach((statement, i) => {
          const plain = fixed[i]!;
          assert.equal(statement.sql, plain.sql);
          // As mysql2 sends it: one string per value, decoding back to the value, and the same shape.
          const sent = lex(format(statement.sql, statement.values));
          assert.equal(shape(sent), shape(lex(format(plain.sql, plain.values))));
          assert.deepEqual(quoted(sent).slice(2), statement.values);
        });
      }),
    );
  });
});

describe('checkOwnerRecord', () => {
  const cases: [string, string, boolean][] = [
    ['a record as the ownership module writes it', owner, true],
    ['the longest that fits the column', 'x'.repeat(512), true],
    [
      '512 characters outside the BMP still fit: the column counts characters, not UTF-16 units',
      '😀'.repeat(512),
      true,
    ],
    ['one more would be cut short by a non-strict server', 'x'.repeat(513), false],
    ['an empty record says nothing about an owner', '', false],
  ];
  for (const [why, record, ok] of cases) {
    it(why, () => {
      if (ok) checkOwnerRecord(record);
      else
        assert.throws(() => {
          checkOwnerRecord(record);
        }, RangeError);
    });
  }
});

describe('ownership fields of an observation', () => {
  const cases: [string, string | undefined, string | undefined, object][] = [
    ['nothing known: no keys at all (exactOptionalPropertyTypes)', undefined, undefined, {}],
    ['a record', owner, undefined, { owner }],
    ['a system name', undefined, 'why', { system: 'why' }],
  ];
  for (const [why, record, system, expected] of cases) {
    it(why, () => {
      assert.deepEqual(ownership(record, system), expected);
    });
  }
});

describe('error classification', () => {
  const cases: [string, unknown, boolean, boolean][] = [
    ['no ledger database yet', { errno: 1049 }, true, true],
    ['no ledger table yet', new MysqlEngineError('x', 1146, undefined), true, true],
    ['the object exists: the server refused, nothing changed', { errno: 1007 }, false, true],
    ['a lost connection: outcome unknown', { code: 'PROTOCOL_CONNECTION_LOST' }, false, false],
    ['a socket error carries a negative system errno: outcome unknown', { errno: -104 }, false, false],
    ['not an error object', 'boom', false, false],
  ];
  for (const [why, err, missing, refused] of cases) {
    it(why, () => {
      assert.equal(missingLedger(err), missing);
      assert.equal(refusedByServer(err), refused);
    });
  }
});
