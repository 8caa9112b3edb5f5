// Enforces the ownership rule (rule.ts) around a kind's client, for one reconcile. The kind calls `check` with
// the engine's observation before it does anything else with it; the guard then lets create, update and
// delete through only as the rule decided, so a kind that forgot to ask cannot write at all.
import type { Engine, Observed, OwnedClass } from '../../engines/engine.ts';
import { getCondition, markConditions } from '../../runtime/conditions.ts';
import type { ExternalClient } from '../../runtime/external.ts';
import type { ManagedResource } from '../../runtime/managed.ts';
import { ManagementPolicyResolver } from '../../runtime/management-policies.ts';
import { RefusedByPolicyError } from '../refusal.ts';
import { describeOwner, ownershipRecord, parseRecord, type Owner } from './record.ts';
import { adoptAnnotation, decideOwnership, type OwnershipDecision } from './rule.ts';
import { recreated, vanished, vanishedCondition } from './vanished.ts';

/** Another object owns the server object, or nobody asked to adopt it: Synced=False, reason Conflict. */
export class OwnershipConflictError extends RefusedByPolicyError {
  override name = 'OwnershipConflictError';
  readonly conditionReason = 'Conflict';
}

/** The server object this object manages vanished; reported once, then re-created. */
export class VanishedError extends Error {
  override name = 'VanishedError';
}

const nouns: Record<OwnedClass, string> = { database: 'database', account: 'account' };

/** Whether the object's policies let it write to the server at all. */
function writes(mg: ManagedResource): boolean {
  const policy = new ManagementPolicyResolver(mg.spec.managementPolicies);
  return policy.shouldCreate() || policy.shouldUpdate() || policy.shouldDelete();
}

function managedByOf(mg: ManagedResource): string | undefined {
  const at = mg.status?.atProvider as { managedBy?: unknown } | undefined;
  return typeof at?.managedBy === 'string' ? at.managedBy : undefined;
}

export class OwnershipGuard {
  /** This object's ownership record, which its create writes on the server. */
  readonly record: string;
  private readonly owner: Owner;
  private decision: OwnershipDecision | undefined;
  private recorded: string | undefined;

  private readonly objectClass: OwnedClass;
  private readonly serverName: string;
  private readonly mayAdopt: boolean;

  constructor(
    private readonly engine: Engine,
    target: { objectClass: OwnedClass; serverName: string; mayAdopt: boolean },
    mg: ManagedResource,
  ) {
    ({ objectClass: this.objectClass, serverName: this.serverName, mayAdopt: this.mayAdopt } = target);
    this.owner = { kind: mg.kind, namespace: mg.metadata.namespace ?? '', name: mg.metadata.name };
    this.record = ownershipRecord(this.owner);
  }

  /** Applies the rule to what the engine observed; returns the observation the kind should go on with. */
  check<S>(mg: ManagedResource, o: Observed<S>): Observed<S> {
    const what = `${nouns[this.objectClass]} "${this.serverName}"`;
    if (o.system !== undefined) throw new OwnershipConflictError(`${what} is never managed: ${o.system}`);
    this.recorded = o.owner;
    const vanishReported = getCondition(mg.status?.conditions, vanishedCondition).reason === 'Vanished';
    const decision = decideOwnership({
      record: this.record,
      exists: o.exists,
      recorded: o.owner,
      writes: writes(mg),
      deleting: mg.metadata.deletionTimestamp !== undefined,
      adopt: mg.metadata.annotations?.[adoptAnnotation] === 'true',
      mayAdopt: this.mayAdopt,
      ownedBefore: managedByOf(mg) === describeOwner(this.owner),
      vanishReported,
    });
    this.decision = decision;
    switch (decision.action) {
      case 'conflict':
        throw new OwnershipConflictError(`${what}: ${decision.message}`);
      case 'reportVanished': {
        const message = `${what}, which this object manages, has vanished from the server; it is re-created empty`;
        markConditions(mg, [vanished(message)]);
        throw new VanishedError(message);
      }
      case 'release':
        return { exists: false, differences: [] };
      case 'adopt':
        return { ...o, differences: [...o.differences, 'ownership record (adopting it)'] };
      case 'manage':
      case 'create':
        if (vanishReported) this.noteRecreated(mg, o, what);
        return o;
    }
  }

  /** Once what vanished is back, its condition says for good that it was re-created empty. */
  private noteRecreated(mg: ManagedResource, o: Observed<unknown>, what: string): void {
    if (o.exists && o.owner === this.record) markConditions(mg, [recreated(what)]);
  }

  /** Wraps the kind's client: writes only as decided, and status.atProvider.managedBy after each observe. */
  guard<T extends ManagedResource>(client: ExternalClient<T>): ExternalClient<T> {
    const allowed = (mg: T, operation: string, ok: boolean) => {
      if (this.decision === undefined)
        throw new Error(`${operation} refused: the ${mg.kind} client did not check ownership`);
      if (!ok) throw new OwnershipConflictError(`${operation} refused: this object does not own it`);
    };
    const owns = () => this.decision?.action === 'manage' && this.recorded === this.record;
    return {
      ...client,
      observe: async (mg, signal) => {
        this.decision = undefined;
        const result = await client.observe(mg, signal);
        allowed(mg, 'observe', true);
        this.showOwner(mg);
        return result;
      },
      create: (mg, signal) => {
        allowed(mg, 'create', this.decision?.action === 'create');
        return client.create(mg, signal);
      },
      update: async (mg, signal) => {
        allowed(mg, 'update', this.decision?.action === 'adopt' || owns());
        if (this.decision?.action === 'adopt') {
          await this.engine.recordOwner(this.objectClass, this.serverName, this.record, signal);
          this.recorded = this.record;
          this.showOwner(mg);
        }
        return client.update(mg, signal);
      },
      delete: (mg, signal) => {
        allowed(mg, 'delete', owns());
        return client.delete(mg, signal);
      },
    };
  }

  /** status.atProvider.managedBy: who owns the server object, as its record says. */
  private showOwner(mg: ManagedResource): void {
    const owner = this.recorded === undefined ? undefined : parseRecord(this.recorded);
    const atProvider: Record<string, unknown> = { ...mg.status?.atProvider };
    if (owner === undefined) delete atProvider.managedBy;
    else atProvider.managedBy = describeOwner(owner);
    mg.status = { ...mg.status, atProvider };
  }
}
