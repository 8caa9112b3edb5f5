import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionBudget } from '../../../../src/engines/postgres/pool.ts';

describe('ConnectionBudget', () => {
  it('hands out at most max slots and gives freed ones to waiters in order', async () => {
    let evictions = 0;
    const budget = new ConnectionBudget(2, () => {
      evictions += 1;
    });
    await budget.acquire();
    await budget.acquire();
    assert.equal(budget.contended, false);
    const order: number[] = [];
    const first = budget.acquire().then(() => order.push(1));
    const second = budget.acquire().then(() => order.push(2));
    assert.equal(budget.contended, true);
    assert.equal(evictions, 2, 'each waiter asks for an idle connection to be closed');
    budget.release();
    await first;
    budget.release();
    await second;
    assert.deepEqual(order, [1, 2]);
    budget.release();
    budget.release();
    await budget.acquire();
    await budget.acquire();
    assert.equal(evictions, 2);
  });
});
