import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownershipRecord } from '../../../../src/resources/ownership/record.ts';
import { decideOwnership, type OwnershipFacts } from '../../../../src/resources/ownership/rule.ts';

const mine = ownershipRecord({ kind: 'Database', namespace: 'team-a', name: 'orders' });
const theirs = ownershipRecord({ kind: 'Database', namespace: 'team-b', name: 'grab' });
const sameNameOtherKind = ownershipRecord({ kind: 'DatabaseRole', namespace: 'team-a', name: 'orders' });
const dbaComment = 'orders of the web shop, ask Ann';

const base: OwnershipFacts = {
  record: mine,
  exists: true,
  writes: true,
  deleting: false,
  adopt: false,
  mayAdopt: true,
  ownedBefore: false,
  vanishReported: false,
};

const cases: { reason: string; facts: Partial<OwnershipFacts>; action: string; message?: RegExp }[] = [
  { reason: 'its own record: manage it', facts: { recorded: mine }, action: 'manage' },
  {
    reason: 'another object owns it: refused, naming the owner',
    facts: { recorded: theirs },
    action: 'conflict',
    message: /managed by Database team-b\/grab/,
  },
  {
    reason: 'the adopt annotation never takes over what another object owns',
    facts: { recorded: theirs, adopt: true },
    action: 'conflict',
    message: /team-b\/grab$/,
  },
  {
    reason: 'a DatabaseRole and a DatabaseUser of the same name are two claimants of one PostgreSQL role',
    facts: { recorded: sameNameOtherKind },
    action: 'conflict',
    message: /DatabaseRole team-a\/orders/,
  },
  {
    reason:
      'an unrecorded object (made by hand) is not taken over silently, and the message says how to adopt',
    facts: {},
    action: 'conflict',
    message:
      /not created by provider-dbops; to take it over, set the annotation dbops\.dbprovision\.io\/adopt/,
  },
  {
    reason: 'an unrecorded object with the adopt annotation is adopted',
    facts: { adopt: true },
    action: 'adopt',
  },
  {
    reason: "a DBA's own comment is not a record: it may be adopted (the comment is replaced)",
    facts: { recorded: dbaComment, adopt: true },
    action: 'adopt',
  },
  {
    reason: "a DBA's comment without the annotation is refused like any unrecorded object",
    facts: { recorded: dbaComment },
    action: 'conflict',
  },
  { reason: 'absent: create it', facts: { exists: false }, action: 'create' },
  {
    reason:
      "absent but another object's ledger row holds the name (it is creating it, or it vanished): refused",
    facts: { exists: false, recorded: theirs },
    action: 'conflict',
  },
  {
    reason: 'absent although the status says this object owned it: report that it vanished first',
    facts: { exists: false, ownedBefore: true },
    action: 'reportVanished',
  },
  {
    reason: 'absent with this object in the ledger (status lost): vanished too',
    facts: { exists: false, recorded: mine },
    action: 'reportVanished',
  },
  {
    reason: 'vanishing already reported: re-create it',
    facts: { exists: false, ownedBefore: true, vanishReported: true },
    action: 'create',
  },
  {
    reason: 'Observe-only writes nothing, so it claims nothing and conflicts with nobody',
    facts: { recorded: theirs, writes: false },
    action: 'manage',
  },
  { reason: 'deleting its own object: drop it', facts: { deleting: true, recorded: mine }, action: 'manage' },
  {
    reason: "deleting while another owns it: let go, never drop another's object",
    facts: { deleting: true, recorded: theirs },
    action: 'release',
    message: /left in place: it is managed by Database team-b\/grab/,
  },
  {
    reason: 'deleting an adopt-requested object that was never adopted: let go',
    facts: { deleting: true, adopt: true },
    action: 'release',
  },
  {
    reason: 'deleting and already gone: nothing to do',
    facts: { deleting: true, exists: false },
    action: 'manage',
  },
];

describe('decideOwnership', () => {
  for (const c of cases) {
    it(c.reason, () => {
      const decision = decideOwnership({ ...base, ...c.facts });
      assert.equal(decision.action, c.action);
      if (c.message) assert.match('message' in decision ? decision.message : '', c.message);
    });
  }
});
