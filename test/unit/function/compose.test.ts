import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { componentValue } from '../../../src/function/app-database/compose.ts';

describe('componentValue', () => {
  const cases: { key: string; hashed: boolean }[] = [
    { key: 'database', hashed: false },
    { key: 'user-orders_app', hashed: false },
    { key: 'grant-App.User', hashed: false },
    { key: 'user-pay$ments', hashed: true }, // $ is a valid SQL name character, not a label value one
    { key: `user-${'u'.repeat(63)}`, hashed: true }, // label values stop at 63 characters
    { key: 'user-app-', hashed: true }, // and must end with a letter or digit
  ];
  for (const tc of cases) {
    it(`${tc.key.slice(0, 30)} → ${tc.hashed ? 'a hash' : 'itself'}`, () => {
      const value = componentValue(tc.key);
      assert.match(value, /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
      if (tc.hashed) assert.match(value, /^h-[0-9a-f]{20}$/);
      else assert.equal(value, tc.key);
    });
  }

  it('gives different keys different values', () => {
    assert.notEqual(componentValue('user-a$b'), componentValue('user-a$c'));
  });
});
