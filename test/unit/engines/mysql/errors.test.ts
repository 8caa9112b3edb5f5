// Driver errors become messages that explain the error number and carry no statement and no password.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MysqlEngineError, redact, toEngineError } from '../../../../src/engines/mysql/errors.ts';

/** Shaped like a mysql2 error: the statement, password included, on `sql`. */
function driverError(errno: number, sqlMessage: string, sql: string) {
  return Object.assign(new Error(sqlMessage), { errno, code: 'ER_X', sqlMessage, sql, sqlState: 'HY000' });
}

describe('toEngineError', () => {
  const cases: [number, string, RegExp][] = [
    [1045, "Access denied for user 'a'@'b' (using password: YES)", /refused the admin login/],
    [1049, "Unknown database 'x'", /does not exist/],
    [1396, "Operation CREATE USER failed for 'u'@'%'", /already exists, or does not exist/],
    [1044, "Access denied for user 'a'@'%' to database 'x'", /may not do this on the database/],
    [1142, 'SELECT command denied', /lacks a privilege on the table/],
    [1141, 'There is no such grant defined', /no such grant/],
    [
      1227,
      'Access denied; you need (at least one of) the SUPER privilege(s)',
      /lacks a privilege this needs/,
    ],
  ];
  for (const [errno, text, explanation] of cases) {
    it(`explains ${errno}`, () => {
      const err = toEngineError(
        driverError(errno, text, "CREATE USER 'u'@'%' IDENTIFIED BY 's3cret'"),
        'doing it',
        ['s3cret'],
      );
      assert.ok(err instanceof MysqlEngineError);
      assert.equal(err.errno, errno);
      assert.match(err.message, /^doing it: /);
      assert.match(err.message, explanation);
      assert.ok(!JSON.stringify(err).includes('s3cret'));
      assert.ok(!('sql' in err));
    });
  }

  it('redacts a password the server echoes in a syntax error', () => {
    const text = "You have an error in your SQL syntax near 'IDENTIFIED BY 'hunter2' REQUIRE'";
    const err = toEngineError(driverError(1064, text, ''), 'creating', ['hunter2']);
    assert.ok(!err.message.includes('hunter2'), err.message);
  });

  it('keeps other messages and passes its own errors through', () => {
    const own = new MysqlEngineError('x', 1, 'Y');
    assert.equal(toEngineError(own, 'doing', []), own);
    assert.equal(toEngineError('boom', 'doing', []).message, 'doing: boom');
    assert.equal(
      toEngineError(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        'connecting',
        [],
      ).message,
      'connecting: connect ECONNREFUSED',
    );
  });
});

describe('redact', () => {
  const cases: [string, string][] = [
    ["IDENTIFIED BY 'a\\'b'", "IDENTIFIED BY '<redacted>'"],
    [
      "IDENTIFIED WITH caching_sha2_password BY 'pw'",
      "IDENTIFIED WITH caching_sha2_password BY '<redacted>'",
    ],
    ["USING PASSWORD('pw')", "USING PASSWORD( '<redacted>')"],
    ["IDENTIFIED VIA ed25519 USING 'hash'", "IDENTIFIED VIA ed25519 USING '<redacted>'"],
    ['plain text with secret inside', 'plain text with <redacted> inside'],
  ];
  for (const [input, output] of cases)
    it(input, () => {
      assert.equal(redact(input, ['secret']), output);
    });
});
