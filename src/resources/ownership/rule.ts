// The ownership rule, in one pure function for every kind: an object manages a server object only if it
// created it or explicitly adopted it; a second claimant is refused and touches nothing; an object being
// deleted lets go of what it does not own instead of dropping it; and a server object that vanished from
// under its owner is reported before it is re-created.
import { describeOwner, parseRecord } from './record.ts';

export interface OwnershipFacts {
  /** This object's ownership record. */
  record: string;
  /** Whether the server object exists. */
  exists: boolean;
  /** Its ownership record on the server, if any (a ledger keeps one for an object that vanished). */
  recorded?: string | undefined;
  /** Whether this object may write (its management policies allow Create, Update or Delete). */
  writes: boolean;
  deleting: boolean;
  /** The user asked to take over an existing, unowned object (the adopt annotation). */
  adopt: boolean;
  /** The object's namespace may adopt on this instance (its own, or listed in adoptionNamespaces). */
  mayAdopt: boolean;
  /** The object's status says it owned the server object when it last looked. */
  ownedBefore: boolean;
  /** The vanishing has already been reported (the Vanished condition), so re-creating may go ahead. */
  vanishReported: boolean;
}

export type OwnershipDecision =
  /** Go on as the owner (or as an observer that writes nothing). */
  | { action: 'manage' }
  /** Record this object as the owner, then go on. */
  | { action: 'adopt' }
  /** Absent: create it (the create records the owner). */
  | { action: 'create' }
  /** Being deleted but not the owner: report it gone, so the finalizer goes and the server object stays. */
  | { action: 'release'; message: string }
  /** Refuse: another object or nobody-but-a-human owns it. */
  | { action: 'conflict'; message: string }
  /** Report that it vanished; the next reconcile re-creates it. */
  | { action: 'reportVanished' };

export const adoptAnnotation = 'dbops.dbprovision.io/adopt';

function heldBy(recorded: string | undefined): string {
  const owner = recorded === undefined ? undefined : parseRecord(recorded);
  return owner === undefined
    ? 'it exists on the server but was not created by provider-dbops'
    : `it is managed by ${describeOwner(owner)}`;
}

function isRecord(recorded: string | undefined): boolean {
  return recorded !== undefined && parseRecord(recorded) !== undefined;
}

/** How an unowned object could be taken over, or why this object may not. */
function adoptionHint(facts: OwnershipFacts): string {
  if (!facts.mayAdopt) {
    return (
      "; this namespace may not adopt it: only the DatabaseInstance's namespace and its adoptionNamespaces " +
      'may take over objects nobody owns'
    );
  }
  return `; to take it over, set the annotation ${adoptAnnotation}: "true"`;
}

/** Being deleted: drop only its own object; let go of anything else. */
function whenDeleting(facts: OwnershipFacts): OwnershipDecision {
  if (!facts.exists || facts.recorded === facts.record) return { action: 'manage' };
  return { action: 'release', message: `left in place: ${heldBy(facts.recorded)}` };
}

/** It exists: its own, adoptable on request when nobody owns it, refused otherwise. */
function whenExisting(facts: OwnershipFacts): OwnershipDecision {
  if (facts.recorded === facts.record) return { action: 'manage' };
  const owned = isRecord(facts.recorded);
  if (!owned && facts.adopt && facts.mayAdopt) return { action: 'adopt' };
  return { action: 'conflict', message: `${heldBy(facts.recorded)}${owned ? '' : adoptionHint(facts)}` };
}

/** It is absent: another's ledger row keeps the name; what this object had is reported vanished first. */
function whenAbsent(facts: OwnershipFacts): OwnershipDecision {
  const mine = facts.recorded === facts.record;
  if (!mine && isRecord(facts.recorded)) return { action: 'conflict', message: heldBy(facts.recorded) };
  if ((facts.ownedBefore || mine) && !facts.vanishReported) return { action: 'reportVanished' };
  return { action: 'create' };
}

export function decideOwnership(facts: OwnershipFacts): OwnershipDecision {
  // Observe-only writes nothing, so it claims nothing.
  if (!facts.writes) return { action: 'manage' };
  if (facts.deleting) return whenDeleting(facts);
  return facts.exists ? whenExisting(facts) : whenAbsent(facts);
}
