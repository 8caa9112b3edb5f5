import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeOwner, ownershipRecord, parseRecord } from '../../../../src/resources/ownership/record.ts';
import { foreignReference } from '../../../../src/resources/ownership/references.ts';

describe('ownership records', () => {
  it('round-trips the owner and reads as a sentence on the server', () => {
    const owner = { kind: 'DatabaseUser', namespace: 'team-a', name: 'app.reader' };
    const record = ownershipRecord(owner);
    assert.equal(record, 'managed by provider-dbops: DatabaseUser team-a/app.reader');
    assert.deepEqual(parseRecord(record), owner);
    assert.equal(describeOwner(owner), 'DatabaseUser team-a/app.reader');
  });

  const notRecords: { reason: string; text: string }[] = [
    { reason: "a DBA's comment", text: 'billing data, do not touch' },
    { reason: 'our prefix without an owner', text: 'managed by provider-dbops: ' },
    { reason: 'an owner without a namespace', text: 'managed by provider-dbops: Database orders' },
    { reason: 'trailing words', text: 'managed by provider-dbops: Database a/b extra' },
  ];
  for (const c of notRecords) {
    it(`does not take ${c.reason} for a record`, () => {
      assert.equal(parseRecord(c.text), undefined);
    });
  }
});

describe('foreignReference', () => {
  const inA = ownershipRecord({ kind: 'DatabaseRole', namespace: 'team-a', name: 'readers' });
  const inB = ownershipRecord({ kind: 'DatabaseRole', namespace: 'team-b', name: 'readers' });
  const ref = { name: 'readers', as: 'role in memberOf' };
  const cases: { reason: string; record: string | undefined; refused?: RegExp }[] = [
    { reason: 'owned by an object of the same namespace: allowed', record: inA },
    {
      reason: "another namespace's role: refused, naming its owner",
      record: inB,
      refused: /role in memberOf "readers" belongs to DatabaseRole team-b\/readers/,
    },
    {
      reason: 'a role nobody manages: refused',
      record: undefined,
      refused: /is not managed by provider-dbops/,
    },
    { reason: "a DBA's comment is no ownership", record: 'shared readers', refused: /not managed/ },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const refused = foreignReference('team-a', ref, c.record);
      if (c.refused === undefined) assert.equal(refused, undefined);
      else assert.match(refused ?? '', c.refused);
    });
  }
});
