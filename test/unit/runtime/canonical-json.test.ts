import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../../src/runtime/reconciler.ts';

describe('canonical JSON of a status', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    const built = {
      phase: 'Ready',
      atProvider: { sizeBytes: 1, owner: 'a' },
      conditions: [
        { type: 'Synced', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
    };
    const fromServer = {
      atProvider: { owner: 'a', sizeBytes: 1 },
      conditions: [
        { status: 'True', type: 'Synced' },
        { status: 'True', type: 'Ready' },
      ],
      phase: 'Ready',
    };
    assert.equal(canonicalJson(built), canonicalJson(fromServer));
    const reordered = { ...fromServer, conditions: [...fromServer.conditions].reverse() };
    assert.notEqual(canonicalJson(built), canonicalJson(reordered));
  });
});
