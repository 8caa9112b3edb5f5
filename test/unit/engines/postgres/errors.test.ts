import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError } from 'pg';
import { describeError, PostgresError } from '../../../../src/engines/postgres/errors.ts';

function serverError(code: string, message: string): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

describe('describeError', () => {
  const cases: Record<string, { code: string; message: string; want: RegExp }> = {
    'auth failure': {
      code: '28P01',
      message: 'password authentication failed for user "admin"',
      want: /^connect: authentication failed: check the credentials Secret .*SQLSTATE 28P01\)$/,
    },
    'unknown database': {
      code: '3D000',
      message: 'database "x" does not exist',
      want: /the database does not exist/,
    },
    'undefined object': {
      code: '42704',
      message: 'role "r" does not exist',
      want: /an object named in the spec does not exist/,
    },
    'insufficient privilege': {
      code: '42501',
      message: 'must be superuser to create superusers',
      want: /lacks the privilege .*must be superuser/,
    },
    'object in use': {
      code: '55006',
      message: 'database "x" is being accessed',
      want: /in use by other sessions/,
    },
    'unknown code keeps the server message': {
      code: 'XX999',
      message: 'odd',
      want: /^connect: odd, SQLSTATE XX999$/,
    },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      const err = describeError('connect', serverError(tc.code, tc.message));
      assert.ok(err instanceof PostgresError);
      assert.equal(err.code, tc.code);
      assert.match(err.message, tc.want);
    });
  }

  it('blanks the secret being set from the server message', () => {
    const err = describeError(
      'set password',
      serverError('42601', 'syntax error at or near "hunter2"'),
      'hunter2',
    );
    assert.doesNotMatch(err.message, /hunter2/);
  });

  it('keeps an already described error', () => {
    const inner = new PostgresError('x', '42501');
    assert.equal(describeError('outer', inner), inner);
  });
});
