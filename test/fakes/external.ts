// A test external system for the managed reconciler: resources live in memory keyed by external name, every
// call is counted, and faults can be injected per operation. The runtime is tested against the real API
// server; only the external side (a database, in production) is replaced, since the runtime knows nothing
// about it.
import { externalName } from '../../src/runtime/annotations.ts';
import { available, markConditions } from '../../src/runtime/conditions.ts';
import type { ExternalClient, ExternalConnector, ExternalObservation } from '../../src/runtime/external.ts';
import type { ManagedResource } from '../../src/runtime/managed.ts';

export type Operation = 'connect' | 'observe' | 'create' | 'update' | 'delete';

export interface FakeResource {
  /** What Update last applied, compared with spec.forProvider to decide up-to-dateness. */
  applied: string;
}

type Fault = (mg: ManagedResource) => Promise<void> | void;

/** What a real Observe does when the resource exists: Ready=True/Available. */
function markAvailable(mg: ManagedResource): void {
  markConditions(mg, [available()]);
}

export class FakeExternal implements ExternalConnector<ManagedResource> {
  readonly resources = new Map<string, FakeResource>();
  readonly calls: Record<Operation, number> = { connect: 0, observe: 0, create: 0, update: 0, delete: 0 };
  private readonly faults = new Map<Operation, Fault[]>();
  /** Connection details Create and Observe return (Observe: only while the resource exists). */
  details: Record<string, Buffer> = {};
  /** This many successful deletes leave the resource in place, as an asynchronous API would for a while. */
  keepAfterDelete = 0;

  /** Makes the next `times` calls of `op` run `fault` first (throw to fail the call). */
  inject(op: Operation, fault: Fault, times = 1): void {
    const list = this.faults.get(op) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(op, list);
  }

  /** Makes the next `times` calls of `op` fail with `message`. */
  failNext(op: Operation, message: string, times = 1): void {
    this.inject(
      op,
      () => {
        throw new Error(message);
      },
      times,
    );
  }

  private async enter(op: Operation, mg: ManagedResource): Promise<void> {
    this.calls[op]++;
    const fault = this.faults.get(op)?.shift();
    if (fault) await fault(mg);
  }

  async connect(mg: ManagedResource): Promise<ExternalClient<ManagedResource>> {
    await this.enter('connect', mg);
    return {
      observe: (m) => this.observe(m),
      create: async (m) => {
        await this.enter('create', m);
        this.resources.set(this.nameOf(m), { applied: JSON.stringify(m.spec.forProvider) });
        return { connectionDetails: this.details };
      },
      update: async (m) => {
        await this.enter('update', m);
        this.resources.set(this.nameOf(m), { applied: JSON.stringify(m.spec.forProvider) });
        return {};
      },
      delete: async (m) => {
        await this.enter('delete', m);
        if (this.keepAfterDelete > 0) this.keepAfterDelete--;
        else this.resources.delete(this.nameOf(m));
      },
    };
  }

  private async observe(mg: ManagedResource): Promise<ExternalObservation> {
    await this.enter('observe', mg);
    const found = this.resources.get(this.nameOf(mg));
    if (found === undefined) return { resourceExists: false, resourceUpToDate: false };
    markAvailable(mg);
    const upToDate = found.applied === JSON.stringify(mg.spec.forProvider);
    return { resourceExists: true, resourceUpToDate: upToDate, connectionDetails: this.details };
  }

  private nameOf(mg: ManagedResource): string {
    return `${mg.metadata.namespace ?? ''}/${externalName(mg) ?? mg.metadata.name}`;
  }
}
