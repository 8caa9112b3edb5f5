import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqlOperation } from '../../../src/tracing/sql.ts';

describe('sqlOperation', () => {
  const cases: { sql: string; want: string }[] = [
    { sql: 'SELECT 1', want: 'SELECT' },
    { sql: '  select datname FROM pg_database', want: 'SELECT' },
    { sql: '\n\tCREATE DATABASE "shop"', want: 'CREATE' },
    { sql: `CREATE ROLE "app" LOGIN PASSWORD 'hunter2'`, want: 'CREATE' },
    { sql: `ALTER USER 'app'@'%' IDENTIFIED BY 's3cret'`, want: 'ALTER' },
    { sql: '-- a comment\nGRANT CONNECT ON DATABASE x TO y', want: 'GRANT' },
    { sql: '/* multi\nline */ REVOKE ALL ON x FROM y', want: 'REVOKE' },
    { sql: '/* a */ -- b\n  /* c */drop database x', want: 'DROP' },
    { sql: 'WITH t AS (SELECT 1) SELECT * FROM t', want: 'WITH' },
    { sql: 'SHOW server_version', want: 'SHOW' },
    { sql: '', want: 'UNKNOWN' },
    { sql: '   ', want: 'UNKNOWN' },
    { sql: "'quoted' first", want: 'UNKNOWN' },
    { sql: '(SELECT 1)', want: 'UNKNOWN' },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.sql)} → ${c.want}`, () => {
      assert.equal(sqlOperation(c.sql), c.want);
    });
  }

  it('never returns more than the keyword, whatever follows it', () => {
    assert.equal(sqlOperation(`CREATE USER x IDENTIFIED BY 'pw'`).includes('pw'), false);
    assert.match(sqlOperation(`SET PASSWORD FOR x = 'pw'`), /^[A-Z]+$/);
  });
});
