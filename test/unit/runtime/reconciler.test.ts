// The managed reconciler case by case, the way crossplane-runtime proves its own (pkg/reconciler/managed/
// reconciler_test.go): each case gives its reason, the object as stored, what the external client does and
// which API calls fail, then everything that must follow: the result, the conditions, events, annotations and
// finalizers, the API writes and the external calls. The API server is test/fakes/kube.ts and the clock is
// fixed at t0, so nothing here depends on how fast the machine is. Branch coverage of reconciler.ts:
//   node --import tsx --test --experimental-test-coverage --test-coverage-include=src/runtime/reconciler.ts \
//     test/unit/runtime/reconciler.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError, type ResourceType } from '../../../src/kube/api.ts';
import { secretType, type Secret } from '../../../src/kube/core.ts';
import type { ManagedResourceRecorder } from '../../../src/metrics/managed-resource.ts';
import { Annotation, formatTimestamp } from '../../../src/runtime/annotations.ts';
import {
  available,
  markConditions,
  unavailable,
  type NewCondition,
} from '../../../src/runtime/conditions.ts';
import { connectionSecretType } from '../../../src/runtime/connection-secret.ts';
import type {
  ExternalClient,
  ExternalConnector,
  ExternalCreation,
  ExternalObservation,
  ExternalUpdate,
} from '../../../src/runtime/external.ts';
import type {
  Condition,
  ManagedResource,
  ManagedStatus,
  ManagementAction,
} from '../../../src/runtime/managed.ts';
import { OwnWrites } from '../../../src/runtime/own-writes.ts';
import {
  defaultReconcilerOptions,
  ManagedReconciler,
  managedFinalizer,
  type ReconcileResult,
  type ReconcilerDeps,
  type ReconcilerOptions,
} from '../../../src/runtime/reconciler.ts';
import { NotReadyYet, ReferenceError } from '../../../src/runtime/references.ts';
import { FakeKube, type FaultRule, type Method } from '../../fakes/kube.ts';
import { recordingLogger, type Recorded } from '../../fakes/logger.ts';

const widgetType: ResourceType = {
  group: 'example.dbops.io',
  version: 'v1alpha1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
};
const key = { namespace: 'ns', name: 'app' };
const widgetPath = '/apis/example.dbops.io/v1alpha1/namespaces/ns/widgets/app';

/** The fixed clock; `at(-10)` is ten seconds before it, in the annotations' format. */
const t0 = new Date('2026-03-01T12:00:00Z');
const at = (seconds: number): string => formatTimestamp(new Date(t0.getTime() + seconds * 1000));

const pollMs = 60_000;
const poll: ReconcileResult = { action: 'requeueAfter', delayMs: pollMs };
const requeue: ReconcileResult = { action: 'requeue' };
const done: ReconcileResult = { action: 'done' };
const atOnce: ReconcileResult = { action: 'requeueAfter', delayMs: 0 };

const Protect = 'example.io/protect';
const Owner = 'example.io/owner';
const ExternalName = Annotation.ExternalName;
const Pending = Annotation.ExternalCreatePending;
const Succeeded = Annotation.ExternalCreateSucceeded;
const Failed = Annotation.ExternalCreateFailed;

// ---------------------------------------------------------------------------------------------------------
// Objects as stored before the reconcile.

interface Shape {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  finalizers?: string[];
  policies?: ManagementAction[];
  deleting?: boolean;
  generation?: number;
  status?: ManagedStatus;
  /** spec.writeConnectionSecretToRef.name */
  secret?: string;
}

function condition(type: string, status: Condition['status'], reason: string, message?: string): Condition {
  return {
    type,
    status,
    reason,
    ...(message === undefined ? {} : { message }),
    lastTransitionTime: at(-3600),
    observedGeneration: 1,
  };
}

/** Ready and Synced since an hour ago, observed at generation 1. */
function readyStatus(): ManagedStatus {
  return {
    conditions: [condition('Ready', 'True', 'Available'), condition('Synced', 'True', 'ReconcileSuccess')],
    phase: 'Ready',
  };
}

function widget(shape: Shape = {}): ManagedResource {
  return {
    apiVersion: 'example.dbops.io/v1alpha1',
    kind: 'Widget',
    metadata: {
      name: 'app',
      namespace: 'ns',
      uid: 'uid-app',
      ...(shape.generation === undefined ? {} : { generation: shape.generation }),
      ...(shape.annotations ? { annotations: shape.annotations } : {}),
      ...(shape.labels ? { labels: shape.labels } : {}),
      ...(shape.finalizers ? { finalizers: shape.finalizers } : {}),
      ...(shape.deleting ? { deletionTimestamp: at(-5) } : {}),
    },
    spec: {
      forProvider: { instanceRef: { name: 'pg' }, size: 1 },
      ...(shape.policies ? { managementPolicies: shape.policies } : {}),
      ...(shape.secret ? { writeConnectionSecretToRef: { name: shape.secret } } : {}),
    },
    ...(shape.status ? { status: shape.status } : {}),
  };
}

/** Never reconciled: no annotations, finalizer or status. */
const fresh = (shape: Shape = {}): ManagedResource => widget(shape);

/** Has its external name and finalizer but no status yet (e.g. created by an earlier reconcile). */
const adopted = (shape: Shape = {}): ManagedResource =>
  widget({
    ...shape,
    annotations: { [ExternalName]: 'app', ...shape.annotations },
    finalizers: shape.finalizers ?? [managedFinalizer],
  });

/** Reconciled before: external name, finalizer, Ready and Synced. */
const managed = (shape: Shape = {}): ManagedResource => adopted({ status: readyStatus(), ...shape });

function secret(name: string, extra: Partial<Secret> = {}, owner?: string): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: 'ns',
      ...(owner === undefined
        ? {}
        : {
            ownerReferences: [
              { apiVersion: 'v1', kind: 'Widget', name: 'app', uid: owner, controller: true },
            ],
          }),
    },
    ...extra,
  };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

// ---------------------------------------------------------------------------------------------------------
// A scripted external client.

interface Thrown {
  throws: unknown;
}
/** A value, a throw, or a function of the object and the clock's time (e.g. one that marks Ready). */
type Outcome<R> = R | Thrown | ((mg: ManagedResource, now: Date) => R);

interface Script {
  connect?: Thrown;
  /** One outcome per Observe, in order, the last repeating; default: exists, up to date, Available. */
  observe?: Outcome<ExternalObservation> | Outcome<ExternalObservation>[];
  create?: Outcome<ExternalCreation>;
  update?: Outcome<ExternalUpdate>;
  delete?: Thrown;
  /** Default: a disconnect that succeeds. 'none': the client has none (as every production kind today). */
  disconnect?: Thrown | 'none';
}

const missing: ExternalObservation = { resourceExists: false, resourceUpToDate: false };

/** Observe finding the resource, as a real client does: it marks Ready (Available unless `ready` says). */
function exists(
  observation: Partial<ExternalObservation> = {},
  { ready = available(), change }: { ready?: NewCondition; change?: (mg: ManagedResource) => void } = {},
): (mg: ManagedResource, now: Date) => ExternalObservation {
  return (mg, now) => {
    markConditions(mg, [ready], now);
    change?.(mg);
    return { resourceExists: true, resourceUpToDate: true, ...observation };
  };
}

const fails = (error: unknown): Thrown => ({ throws: error });

function isThrown(outcome: unknown): outcome is Thrown {
  return typeof outcome === 'object' && outcome !== null && 'throws' in outcome;
}

/** An error that names a more precise Synced reason, as the ownership guard's refusals do. */
class Refusal extends Error {
  readonly conditionReason = 'Conflict';
}

class ScriptedExternal implements ExternalConnector<ManagedResource> {
  /** connect, observe, create, update, delete, disconnect: in the order called. */
  readonly calls: string[] = [];
  private observes = 0;

  constructor(
    private readonly script: Script,
    private readonly now: () => Date,
  ) {}

  async connect(): Promise<ExternalClient<ManagedResource>> {
    this.calls.push('connect');
    await Promise.resolve();
    if (this.script.connect) throw this.script.connect.throws;
    const { disconnect } = this.script;
    const client: ExternalClient<ManagedResource> = {
      observe: (mg) => this.run('observe', this.nextObserve(), mg),
      create: (mg) => this.run('create', this.script.create ?? {}, mg),
      update: (mg) => this.run('update', this.script.update ?? {}, mg),
      delete: async (mg) => {
        await this.run('delete', this.script.delete ?? undefined, mg);
      },
    };
    if (disconnect !== 'none') {
      client.disconnect = async () => {
        await this.run('disconnect', disconnect, undefined);
      };
    }
    return client;
  }

  private nextObserve(): Outcome<ExternalObservation> {
    const script = this.script.observe ?? exists();
    const steps = Array.isArray(script) ? script : [script];
    return steps[Math.min(this.observes++, steps.length - 1)] ?? exists();
  }

  private async run<R>(call: string, outcome: Outcome<R>, mg: ManagedResource | undefined): Promise<R> {
    this.calls.push(call);
    await Promise.resolve();
    if (isThrown(outcome)) throw outcome.throws;
    if (typeof outcome === 'function') {
      return (outcome as (mg: ManagedResource | undefined, now: Date) => R)(mg, this.now());
    }
    return outcome;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The table.

interface Stored {
  /** Each condition as `Type=Status/Reason` or `Type=Status/Reason: message`, in any order. */
  conditions: string[];
  phase?: string;
  /** Exactly the annotations stored (default none). */
  annotations?: Record<string, string>;
  /** Exactly the finalizers stored (default none). */
  finalizers?: string[];
}

interface Case {
  reason: string;
  /** The object in the API server and the cache; none: it is gone. */
  object?: ManagedResource;
  secrets?: Secret[];
  options?: Partial<ReconcilerOptions>;
  external?: Script;
  /** deps.resolveReferences (none: the kind has no references). */
  references?: (mg: ManagedResource) => Promise<boolean>;
  faults?: FaultRule[];
  /** Build the reconciler without its optional deps (clock, redact, metrics, ownWrites). */
  bare?: boolean;
  want: {
    result: ReconcileResult | { rejects: RegExp };
    object: Stored | 'gone';
    events: string[];
    /** The API writes, as FakeKube.writes() lists them. */
    writes: string[];
    external: string[];
    /** Anything else the case is about. */
    check?: (world: World) => void;
  };
}

interface World {
  kube: FakeKube;
  external: ScriptedExternal;
  events: string[];
  metrics: string[];
  logs: Recorded;
  resolved: number;
}

const redact = (text: string): string => text.replaceAll('s3cr3t', '[REDACTED]');
const stored = (world: World): ManagedResource | undefined => world.kube.peek(widgetType, key);

function recorder(into: string[]): ManagedResourceRecorder {
  const note = (name: string) => () => {
    into.push(name);
  };
  return {
    recordFirstTimeReconciled: note('firstTimeReconciled'),
    recordFirstTimeReady: note('firstTimeReady'),
    recordUnchanged: note('unchanged'),
    recordDrift: note('drift'),
    recordDeleted: note('deleted'),
    forget: note('forget'),
  };
}

function world(tc: Case): { world: World; reconciler: ManagedReconciler<ManagedResource> } {
  const now = () => new Date(t0);
  const kube = new FakeKube({ now });
  if (tc.object) kube.seed(widgetType, tc.object);
  for (const s of tc.secrets ?? []) kube.seed(secretType, s);
  for (const fault of tc.faults ?? []) kube.inject(fault);
  const { logger, messages } = recordingLogger();
  const w: World = {
    kube,
    external: new ScriptedExternal(tc.external ?? {}, now),
    events: [],
    metrics: [],
    logs: messages,
    resolved: 0,
  };
  const references = tc.references;
  const deps: ReconcilerDeps<ManagedResource> = {
    kube,
    type: widgetType,
    connector: w.external,
    // What a caught-up informer cache gives: a private copy of the stored object.
    get: (k) => kube.peek(widgetType, k),
    events: { record: (_obj, e) => w.events.push(`${e.type} ${e.reason}: ${e.message}`) },
    log: logger,
    ...(references
      ? {
          resolveReferences: (mg: ManagedResource) => {
            w.resolved++;
            return references(mg);
          },
        }
      : {}),
    ...(tc.bare ? {} : { clock: now, redact, metrics: recorder(w.metrics), ownWrites: new OwnWrites() }),
  };
  const options: ReconcilerOptions = {
    ...defaultReconcilerOptions,
    deterministicExternal: true, // as every production kind
    pollDelay: () => pollMs,
    ...tc.options,
  };
  return { world: w, reconciler: new ManagedReconciler(deps, options) };
}

function summary(c: Condition): string {
  return `${c.type}=${c.status}/${c.reason}${c.message === undefined ? '' : `: ${c.message}`}`;
}

function verifyObject(want: Stored | 'gone', got: ManagedResource | undefined): void {
  if (want === 'gone') {
    assert.equal(got, undefined, 'the object is gone');
    return;
  }
  assert.ok(got, 'the object is still there');
  const conditions = (got.status?.conditions ?? []).map(summary).sort();
  assert.deepEqual(conditions, [...want.conditions].sort(), 'conditions');
  if (want.phase !== undefined) assert.equal(got.status?.phase, want.phase, 'phase');
  assert.deepEqual(got.metadata.annotations ?? {}, want.annotations ?? {}, 'annotations');
  assert.deepEqual(got.metadata.finalizers ?? [], want.finalizers ?? [], 'finalizers');
}

async function check(tc: Case): Promise<void> {
  const { world: w, reconciler } = world(tc);
  const outcome = await reconciler.reconcile(key).then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  const { want } = tc;
  if ('rejects' in want.result) {
    assert.ok('error' in outcome, `${tc.reason}: expected the reconcile to reject`);
    assert.match(String(outcome.error), want.result.rejects);
  } else {
    if ('error' in outcome) throw outcome.error;
    assert.deepEqual(outcome.result, want.result, tc.reason);
  }
  assert.deepEqual(w.external.calls, want.external, 'external calls');
  assert.deepEqual(w.kube.writes(), want.writes, 'API writes');
  assert.deepEqual(w.events, want.events, 'events');
  verifyObject(want.object, stored(w));
  want.check?.(w);
}

const observed = ['connect', 'observe', 'disconnect'];
const createdAndConfirmed = ['connect', 'observe', 'create', 'observe', 'disconnect'];
const update = 'update widgets/app';
const updateStatus = 'updateStatus widgets/app';
const timedOut = (path: string, method = 'PUT'): string => `${method} ${path}: timed out after 30000 ms`;
const Ready = 'Ready=True/Available';
const Synced = 'Synced=True/ReconcileSuccess';
const Creating = 'Ready=False/Creating';
const Deleting = 'Ready=False/Deleting';
const error = (message: string, reason = 'ReconcileError'): string => `Synced=False/${reason}: ${message}`;
const created = 'Normal CreatedExternalResource: Successfully requested creation of external resource';
const conflictOn = (method: Method, call?: number): FaultRule => ({
  method,
  ...(call === undefined ? {} : { call }),
  fault: 'conflict',
});
const timeoutOn = (method: Method, call?: number): FaultRule => ({
  method,
  ...(call === undefined ? {} : { call }),
  fault: 'timeout',
});
const onSecrets = (fault: FaultRule['fault'], method: Method): FaultRule => ({
  method,
  when: (c) => c.type.plural === 'secrets',
  fault,
});
/** Another writer labels and annotates the object just before the call, which then carries a stale version. */
const concurrentEdit = (call: number): FaultRule => ({
  method: 'update',
  call,
  fault: (kube) => {
    kube.mutate(widgetType, key, (obj) => {
      obj.metadata.labels = { team: 'a' };
      obj.metadata.annotations = { ...obj.metadata.annotations, [Owner]: 'team-a' };
    });
  },
});

const cases: Record<string, Case> = {
  // --- Reading and pausing -------------------------------------------------------------------------------
  'not in the cache': {
    reason: 'An object that is gone (deleted, or not in the cache) is done with: no call, no write.',
    want: { result: done, object: 'gone', events: [], writes: [], external: [] },
  },
  'paused by annotation': {
    reason:
      'crossplane.io/paused=true: a Normal event, Synced=False/ReconcilePaused, no external call and no requeue; Ready keeps its phase.',
    object: managed({ annotations: { [Annotation.Paused]: 'true' } }),
    want: {
      result: done,
      object: {
        conditions: [Ready, 'Synced=False/ReconcilePaused'],
        phase: 'Ready',
        annotations: { [ExternalName]: 'app', [Annotation.Paused]: 'true' },
        finalizers: [managedFinalizer],
      },
      events: [
        'Normal ReconciliationPaused: Reconciliation is paused either through the `spec.managementPolicies` or the pause annotation',
      ],
      writes: [updateStatus],
      external: [],
    },
  },
  'pause annotation other than "true"': {
    reason: 'Only the exact value "true" pauses (crossplane meta.IsPaused); "True" is an ordinary reconcile.',
    object: managed({ annotations: { [Annotation.Paused]: 'True' } }),
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app', [Annotation.Paused]: 'True' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [],
      external: observed,
    },
  },
  'paused by empty management policies': {
    reason:
      'managementPolicies: [] pauses like the annotation, before anything is initialised: no external name, no finalizer.',
    object: fresh({ policies: [] }),
    want: {
      result: done,
      object: { conditions: ['Synced=False/ReconcilePaused'], phase: 'Pending' },
      events: [
        'Normal ReconciliationPaused: Reconciliation is paused either through the `spec.managementPolicies` or the pause annotation',
      ],
      writes: [updateStatus],
      external: [],
      check: (w) => {
        assert.deepEqual(w.metrics, ['firstTimeReconciled'], 'Synced was Unknown: a first reconcile');
      },
    },
  },
  'empty management policies with the feature off': {
    reason:
      'With the management-policies flag off, [] is the default: nothing pauses and every action is allowed.',
    object: fresh({ policies: [] }),
    options: { managementPoliciesEnabled: false },
    external: { observe: [missing, exists()] },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        phase: 'Ready',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [created],
      writes: [update, updateStatus],
      external: createdAndConfirmed,
    },
  },
  'paused while being deleted': {
    reason:
      'Pausing wins over deletion: the finalizer stays, so the object waits (crossplane docs, "Paused").',
    object: managed({ annotations: { [Annotation.Paused]: 'true' }, deleting: true }),
    want: {
      result: done,
      object: {
        conditions: [Ready, 'Synced=False/ReconcilePaused'],
        phase: 'Deleting',
        annotations: { [ExternalName]: 'app', [Annotation.Paused]: 'true' },
        finalizers: [managedFinalizer],
      },
      events: [
        'Normal ReconciliationPaused: Reconciliation is paused either through the `spec.managementPolicies` or the pause annotation',
      ],
      writes: [updateStatus],
      external: [],
    },
  },

  // --- Reconcile requests --------------------------------------------------------------------------------
  'reconcile request acknowledged': {
    reason:
      'A new crossplane.io/reconcile-requested-at token is acknowledged with an event and recorded in status.lastHandledReconcileAt.',
    object: managed({ annotations: { [Annotation.ReconcileRequestedAt]: 'req-1' } }),
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app', [Annotation.ReconcileRequestedAt]: 'req-1' },
        finalizers: [managedFinalizer],
      },
      events: ['Normal ReconcileRequestHandled: Reconcile request req-1 handled'],
      writes: [updateStatus],
      external: observed,
      check: (w) => {
        assert.equal(stored(w)?.status?.lastHandledReconcileAt, 'req-1');
      },
    },
  },
  'reconcile request already handled': {
    reason: 'A token already recorded is not acknowledged again, and an idle reconcile writes nothing.',
    object: managed({
      annotations: { [Annotation.ReconcileRequestedAt]: 'req-1' },
      status: { ...readyStatus(), lastHandledReconcileAt: 'req-1' },
    }),
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app', [Annotation.ReconcileRequestedAt]: 'req-1' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [],
      external: observed,
    },
  },

  // --- Management-policy validation ----------------------------------------------------------------------
  'unsupported management-policy set': {
    reason:
      'A set crossplane does not support: a Warning, Synced=False, and no requeue (only an edit of the object can fix it); nothing external is touched.',
    object: fresh({ policies: ['Observe', 'Delete', 'LateInitialize'] }),
    want: {
      result: done,
      object: {
        conditions: [
          error(
            '`spec.managementPolicies` is set to a value([Observe Delete LateInitialize]) which is not supported. Check docs for supported policies',
          ),
        ],
        phase: 'Failed',
      },
      events: [
        'Warning CannotUseInvalidManagementPolicy: `spec.managementPolicies` is set to a value([Observe Delete LateInitialize]) which is not supported. Check docs for supported policies',
      ],
      writes: [updateStatus],
      external: [],
    },
  },
  'non-default management policies with the feature off': {
    reason: 'With the flag off, any value but [] and ["*"] is refused the same way.',
    object: fresh({ policies: ['Observe'] }),
    options: { managementPoliciesEnabled: false },
    want: {
      result: done,
      object: {
        conditions: [
          error(
            '`spec.managementPolicies` is set to a non-default value but the feature is not enabled: [Observe]',
          ),
        ],
      },
      events: [
        'Warning CannotUseInvalidManagementPolicy: `spec.managementPolicies` is set to a non-default value but the feature is not enabled: [Observe]',
      ],
      writes: [updateStatus],
      external: [],
    },
  },

  // --- Orphaning deletion --------------------------------------------------------------------------------
  'orphaned on deletion': {
    reason:
      'Deleted without the Delete policy: the finalizer goes (and with it the object), the external resource stays, Observe is never called.',
    object: managed({ deleting: true, policies: ['Observe', 'Create', 'Update'] }),
    want: {
      result: done,
      object: 'gone',
      events: [],
      writes: [update],
      external: [],
      check: (w) => {
        assert.deepEqual(w.metrics, ['deleted']);
      },
    },
  },
  'orphaned, finalizer removal conflicts': {
    reason: 'A 409 removing the finalizer: our copy was stale; a quiet requeue, no error condition.',
    object: managed({ deleting: true, policies: ['Observe', 'Create', 'Update'] }),
    faults: [conflictOn('update')],
    want: {
      result: requeue,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [`${update} → Conflict`],
      external: [],
    },
  },
  'orphaned, finalizer removal fails': {
    reason:
      'Any other failure removing the finalizer: Ready=False/Deleting, Synced=False with the cause, requeue.',
    object: managed({ deleting: true, policies: ['Observe', 'Create', 'Update'] }),
    faults: [timeoutOn('update')],
    want: {
      result: requeue,
      object: {
        conditions: [Deleting, error(`cannot remove finalizer: ${timedOut(widgetPath)}`)],
        phase: 'Deleting',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [`${update} → Timeout`, updateStatus],
      external: [],
    },
  },
  'orphaned, only another finalizer left': {
    reason:
      'Orphaning an object that no longer carries our finalizer writes nothing; the other one is not ours.',
    object: managed({ deleting: true, policies: ['Observe', 'Create', 'Update'], finalizers: [Protect] }),
    want: {
      result: done,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [Protect],
      },
      events: [],
      writes: [],
      external: [],
    },
  },

  // --- Deletion ------------------------------------------------------------------------------------------
  'deletion requested': {
    reason:
      'Deleting and the resource exists: Delete, a Normal event, Ready=False/Deleting and a rate-limited requeue; completion is never assumed, and references are not resolved.',
    object: managed({ deleting: true }),
    references: () => Promise.reject(new Error('references must not be resolved while deleting')),
    want: {
      result: requeue,
      object: {
        conditions: [Deleting, Synced],
        phase: 'Deleting',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: ['Normal DeletedExternalResource: Successfully requested deletion of external resource'],
      writes: [updateStatus],
      external: ['connect', 'observe', 'delete', 'disconnect'],
      check: (w) => {
        assert.equal(w.resolved, 0);
      },
    },
  },
  'deletion confirmed': {
    reason: 'Deleting and Observe finds nothing: the finalizer is removed (the object goes), no Delete call.',
    object: managed({ deleting: true }),
    external: { observe: missing },
    want: {
      result: done,
      object: 'gone',
      events: [],
      writes: [update],
      external: observed,
      check: (w) => {
        assert.deepEqual(w.metrics, ['deleted']);
      },
    },
  },
  'deletion waits for other finalizers': {
    reason:
      "Another controller's finalizer (e.g. a usage) must go first: requeue, no Delete and no write (crossplane v2).",
    object: managed({ deleting: true, finalizers: [managedFinalizer, Protect] }),
    want: {
      result: requeue,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer, Protect],
      },
      events: [],
      writes: [],
      external: observed,
    },
  },
  'delete fails': {
    reason: 'A failed Delete: a Warning, Ready=False/Deleting, Synced=False "delete failed: …", requeue.',
    object: managed({ deleting: true }),
    external: { delete: fails(new Error('permission denied to drop role')) },
    want: {
      result: requeue,
      object: {
        conditions: [Deleting, error('delete failed: permission denied to drop role')],
        phase: 'Deleting',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: ['Warning CannotDeleteExternalResource: delete failed: permission denied to drop role'],
      writes: [updateStatus],
      external: ['connect', 'observe', 'delete', 'disconnect'],
    },
  },
  'deletion confirmed, finalizer removal conflicts': {
    reason:
      'A 409 removing the finalizer after the resource is gone: quiet requeue, the next reconcile retries.',
    object: managed({ deleting: true }),
    external: { observe: missing },
    faults: [conflictOn('update')],
    want: {
      result: requeue,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [`${update} → Conflict`],
      external: observed,
    },
  },

  // --- References ----------------------------------------------------------------------------------------
  'references resolved on a new object': {
    reason:
      'Resolved references and the defaulted external name are saved with the finalizer in one write, after Observe; the conditions follow the new generation.',
    object: fresh(),
    references: (mg) => {
      mg.spec.forProvider = { ...mg.spec.forProvider, userRef: { name: 'u' } };
      return Promise.resolve(true);
    },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        phase: 'Ready',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [update, updateStatus],
      external: observed,
      check: (w) => {
        const mg = stored(w);
        assert.deepEqual((mg?.spec.forProvider as { userRef?: unknown }).userRef, { name: 'u' });
        assert.equal(mg?.metadata.generation, 2);
        assert.deepEqual(
          mg.status?.conditions?.map((c) => c.observedGeneration),
          [2, 2],
        );
      },
    },
  },
  'references newly resolved on a managed object': {
    reason:
      'The finalizer is there but the spec changed in memory: it is saved anyway, and conditions observed at the old generation are re-stamped.',
    object: managed(),
    references: (mg) => {
      mg.spec.forProvider = { ...mg.spec.forProvider, userRef: { name: 'u' } };
      return Promise.resolve(true);
    },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [update, updateStatus],
      external: observed,
      check: (w) => {
        const mg = stored(w);
        assert.equal(mg?.metadata.generation, 2);
        assert.deepEqual(
          mg.status?.conditions?.map((c) => [c.observedGeneration, c.lastTransitionTime]),
          [
            [2, at(-3600)],
            [2, at(-3600)],
          ],
          'the same observations, now of generation 2',
        );
      },
    },
  },
  'references unchanged': {
    reason: 'Resolution that changes nothing causes no write.',
    object: managed(),
    references: () => Promise.resolve(false),
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [],
      external: observed,
      check: (w) => {
        assert.equal(w.resolved, 1);
      },
    },
  },
  'reference resolution fails': {
    reason: 'A reference that cannot be resolved: a Warning, Synced=False, requeue with backoff, no connect.',
    object: fresh(),
    references: () => Promise.reject(new ReferenceError('no DatabaseUser in namespace ns matched selector')),
    want: {
      result: requeue,
      object: {
        conditions: [error('cannot resolve references: no DatabaseUser in namespace ns matched selector')],
        phase: 'Failed',
      },
      events: [
        'Warning CannotResolveResourceReferences: cannot resolve references: no DatabaseUser in namespace ns matched selector',
      ],
      writes: [updateStatus],
      external: [],
    },
  },
  'reference not Ready yet': {
    reason:
      'A referenced object that is not Ready yet: Synced=False and one Warning, then a wait of one poll interval, not a backoff (its readiness wakes this object).',
    object: fresh(),
    references: () => Promise.reject(new NotReadyYet('DatabaseUser ns/u is not Ready yet')),
    want: {
      result: poll,
      object: { conditions: [error('cannot resolve references: DatabaseUser ns/u is not Ready yet')] },
      events: [
        'Warning CannotResolveResourceReferences: cannot resolve references: DatabaseUser ns/u is not Ready yet',
      ],
      writes: [updateStatus],
      external: [],
    },
  },
  'reference still not Ready': {
    reason: 'The same wait again: the status is unchanged, so no write and no repeated Warning.',
    object: fresh({
      status: {
        conditions: [
          condition(
            'Synced',
            'False',
            'ReconcileError',
            'cannot resolve references: DatabaseUser ns/u is not Ready yet',
          ),
        ],
        phase: 'Failed',
      },
    }),
    references: () => Promise.reject(new NotReadyYet('DatabaseUser ns/u is not Ready yet')),
    want: {
      result: poll,
      object: { conditions: [error('cannot resolve references: DatabaseUser ns/u is not Ready yet')] },
      events: [],
      writes: [],
      external: [],
    },
  },
  'reference resolution conflicts': {
    reason: 'A 409 from resolution (a stale read behind it) is a quiet requeue.',
    object: fresh(),
    references: () => Promise.reject(new KubeApiError('the object has been modified', 409, 'Conflict')),
    want: { result: requeue, object: { conditions: [] }, events: [], writes: [], external: [] },
  },

  // --- Connect -------------------------------------------------------------------------------------------
  'connect fails': {
    reason:
      'Connect fails: a Warning, Synced=False "connect failed: …", requeue; the defaulted external name is not saved.',
    object: fresh(),
    external: { connect: fails(new Error('DatabaseInstance ns/pg not found')) },
    want: {
      result: requeue,
      object: { conditions: [error('connect failed: DatabaseInstance ns/pg not found')], phase: 'Failed' },
      events: ['Warning CannotConnectToProvider: connect failed: DatabaseInstance ns/pg not found'],
      writes: [updateStatus],
      external: ['connect'],
    },
  },
  'connect refused with a reason': {
    reason:
      'An error carrying conditionReason (a protected name refused by the ownership rule) sets that Synced reason.',
    object: fresh(),
    external: { connect: fails(new Refusal('account "postgres" is protected: the server\'s own role')) },
    want: {
      result: requeue,
      object: {
        conditions: [
          error('connect failed: account "postgres" is protected: the server\'s own role', 'Conflict'),
        ],
        phase: 'Failed',
      },
      events: [
        'Warning CannotConnectToProvider: connect failed: account "postgres" is protected: the server\'s own role',
      ],
      writes: [updateStatus],
      external: ['connect'],
    },
  },
  'connect conflicts': {
    reason: 'A 409 from connect (e.g. recording ProviderConfig usage) is a quiet requeue.',
    object: fresh(),
    external: { connect: fails(new KubeApiError('the object has been modified', 409, 'Conflict')) },
    want: { result: requeue, object: { conditions: [] }, events: [], writes: [], external: ['connect'] },
  },
  'connect throws a non-error': {
    reason: 'Whatever was thrown is described by its string form.',
    object: fresh(),
    external: { connect: fails('socket hang up') },
    want: {
      result: requeue,
      object: { conditions: [error('connect failed: socket hang up')] },
      events: ['Warning CannotConnectToProvider: connect failed: socket hang up'],
      writes: [updateStatus],
      external: ['connect'],
    },
  },

  // --- Observe -------------------------------------------------------------------------------------------
  'observe fails': {
    reason:
      'Observe fails: a Warning, Synced=False "observe failed: …", requeue; no finalizer and no external name are saved before a successful Observe.',
    object: fresh(),
    external: { observe: fails(new Error('connection refused')) },
    want: {
      result: requeue,
      object: { conditions: [error('observe failed: connection refused')], phase: 'Failed' },
      events: ['Warning CannotObserveExternalResource: observe failed: connection refused'],
      writes: [updateStatus],
      external: observed,
      check: (w) => {
        assert.deepEqual(w.metrics, ['firstTimeReconciled']);
      },
    },
  },
  'observe refused with a reason': {
    reason:
      'An Observe failure carrying conditionReason Conflict (another object owns the server object): Synced=False/Conflict.',
    object: managed(),
    external: { observe: fails(new Refusal('role "app" is managed by DatabaseRole other/app')) },
    want: {
      result: requeue,
      object: {
        conditions: [
          Ready,
          error('observe failed: role "app" is managed by DatabaseRole other/app', 'Conflict'),
        ],
        phase: 'Failed',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [
        'Warning CannotObserveExternalResource: observe failed: role "app" is managed by DatabaseRole other/app',
      ],
      writes: [updateStatus],
      external: observed,
    },
  },
  'observe error is redacted': {
    reason: 'Error text passes through redact before it reaches a condition or an event.',
    object: managed(),
    external: { observe: fails(new Error('login failed with password s3cr3t')) },
    want: {
      result: requeue,
      object: {
        conditions: [Ready, error('observe failed: login failed with password [REDACTED]')],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [
        'Warning CannotObserveExternalResource: observe failed: login failed with password [REDACTED]',
      ],
      writes: [updateStatus],
      external: observed,
    },
  },
  'observe-only, missing': {
    reason:
      'Policies exactly [Observe] and nothing there: a Warning and Synced=False, then the poll interval (not a backoff); nothing is created.',
    object: fresh({ policies: ['Observe'] }),
    external: { observe: missing },
    want: {
      result: poll,
      object: { conditions: [error('observe failed: external resource does not exist')] },
      events: ['Warning CannotObserveExternalResource: observe failed: external resource does not exist'],
      writes: [updateStatus],
      external: observed,
    },
  },
  'observe-only, present and drifted': {
    reason:
      'Observe-only and the resource is there: Ready, finalizer added; drift is reported by nobody and not fixed.',
    object: fresh({ policies: ['Observe'] }),
    external: { observe: exists({ resourceUpToDate: false }) },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [update, updateStatus],
      external: observed,
    },
  },
  'exists but unavailable': {
    reason:
      'Observe owns Ready: a resource that exists but is unusable stays Ready=False/Unavailable (phase Failed) while Synced=True; no first-time-ready metric.',
    object: managed(),
    external: { observe: exists({}, { ready: unavailable('server not answering') }) },
    want: {
      result: poll,
      object: {
        conditions: ['Ready=False/Unavailable: server not answering', Synced],
        phase: 'Failed',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [updateStatus],
      external: observed,
      check: (w) => {
        assert.deepEqual(w.metrics, ['unchanged']);
      },
    },
  },

  // --- Creation grace period (crossplane's protocol: deterministicExternal false) --------------------------
  'missing within the creation grace period': {
    reason:
      'Created 29 s ago and not seen yet: a Normal event and a rate-limited requeue, with no status write (eventual consistency).',
    object: adopted({ annotations: { [Pending]: at(-29), [Succeeded]: at(-29) } }),
    options: { deterministicExternal: false },
    external: { observe: missing },
    want: {
      result: requeue,
      object: {
        conditions: [],
        annotations: { [ExternalName]: 'app', [Pending]: at(-29), [Succeeded]: at(-29) },
        finalizers: [managedFinalizer],
      },
      events: ['Normal PendingExternalResource: Waiting for external resource existence to be confirmed'],
      writes: [],
      external: observed,
    },
  },
  'missing after the creation grace period': {
    reason: 'Created 30 s ago (the whole grace period) and still missing: created again.',
    object: adopted({ annotations: { [Pending]: at(-30), [Succeeded]: at(-30) } }),
    options: { deterministicExternal: false },
    external: { observe: missing },
    want: {
      result: atOnce,
      object: {
        conditions: [Creating, Synced],
        phase: 'Pending',
        annotations: { [ExternalName]: 'app', [Pending]: at(0), [Succeeded]: at(0) },
        finalizers: [managedFinalizer],
      },
      events: [created],
      writes: [update, update, updateStatus],
      external: ['connect', 'observe', 'create', 'disconnect'],
    },
  },

  // --- Create, deterministic external names (every production kind) --------------------------------------
  create: {
    reason:
      'Missing: external name and finalizer saved in one write, Create, then Observe again in the same reconcile: Ready, one status write, the poll; no create-* annotations.',
    object: fresh(),
    external: { observe: [missing, exists()] },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        phase: 'Ready',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [created],
      writes: [update, updateStatus],
      external: createdAndConfirmed,
      check: (w) => {
        assert.deepEqual(w.metrics, ['firstTimeReconciled', 'unchanged', 'firstTimeReady']);
        const [saved] = w.kube.calls.filter((c) => c.method === 'update');
        assert.equal(saved?.body?.metadata.annotations?.[ExternalName], 'app', 'saved before Create');
      },
    },
  },
  'create fails': {
    reason:
      'A failed Create: a Warning, Ready=False/Creating, Synced=False "create failed: …", requeue; no create-failed annotation.',
    object: fresh(),
    external: { observe: missing, create: fails(new Error('permission denied to create role')) },
    want: {
      result: requeue,
      object: {
        conditions: [Creating, error('create failed: permission denied to create role')],
        phase: 'Failed',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: ['Warning CannotCreateExternalResource: create failed: permission denied to create role'],
      writes: [update, updateStatus],
      external: ['connect', 'observe', 'create', 'disconnect'],
    },
  },
  'created, not yet visible': {
    reason:
      'Created but the confirming Observe does not see it: Creating, Synced=True, a rate-limited requeue.',
    object: fresh(),
    external: { observe: missing },
    want: {
      result: requeue,
      object: {
        conditions: [Creating, Synced],
        phase: 'Pending',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [created],
      writes: [update, updateStatus],
      external: createdAndConfirmed,
    },
  },
  'created, confirming Observe fails': {
    reason: 'The confirming Observe fails: a Warning, Creating, Synced=False, requeue.',
    object: fresh(),
    external: { observe: [missing, fails(new Error('connection reset'))] },
    want: {
      result: requeue,
      object: {
        conditions: [Creating, error('observe failed: connection reset')],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [created, 'Warning CannotObserveExternalResource: observe failed: connection reset'],
      writes: [update, updateStatus],
      external: createdAndConfirmed,
    },
  },
  'created, connection details published': {
    reason: "Create's connection details go to a new Secret the object controls.",
    object: fresh({ secret: 'app-conn' }),
    external: {
      observe: [missing, exists()],
      create: { connectionDetails: { password: Buffer.from('s3cr3t') } },
    },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [created],
      writes: [update, 'create secrets/app-conn', updateStatus],
      external: createdAndConfirmed,
      check: (w) => {
        const s = w.kube.peek<Secret>(secretType, { namespace: 'ns', name: 'app-conn' });
        assert.equal(s?.type, connectionSecretType);
        assert.deepEqual(s.data, { password: b64('s3cr3t') });
        assert.equal(s.metadata.ownerReferences?.[0]?.uid, 'uid-app');
      },
    },
  },
  'created, connection details refused': {
    reason:
      "Create's details cannot be published to a Secret the object does not control: a Warning, Synced=False, requeue; the Secret is untouched.",
    object: fresh({ secret: 'app-conn' }),
    secrets: [secret('app-conn', { type: 'Opaque', data: { password: b64('theirs') } })],
    external: { observe: missing, create: { connectionDetails: { password: Buffer.from('mine') } } },
    want: {
      result: requeue,
      object: {
        conditions: [
          error(
            'cannot publish connection details: refusing to modify uncontrolled secret app-conn of type Opaque',
          ),
        ],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [
        'Warning CannotPublishConnectionDetails: cannot publish connection details: refusing to modify uncontrolled secret app-conn of type Opaque',
      ],
      writes: [update, updateStatus],
      external: ['connect', 'observe', 'create', 'disconnect'],
    },
  },
  'created, confirming Observe details refused': {
    reason: "The confirming Observe's details cannot be published: a Warning, Synced=False, requeue.",
    object: fresh({ secret: 'theirs' }),
    secrets: [secret('theirs', { type: 'Opaque' })],
    external: { observe: [missing, exists({ connectionDetails: { password: Buffer.from('p') } })] },
    want: {
      result: requeue,
      object: {
        conditions: [
          Ready,
          error(
            'cannot publish connection details: refusing to modify uncontrolled secret theirs of type Opaque',
          ),
        ],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [
        created,
        'Warning CannotPublishConnectionDetails: cannot publish connection details: refusing to modify uncontrolled secret theirs of type Opaque',
      ],
      writes: [update, updateStatus],
      external: createdAndConfirmed,
    },
  },
  'missing without the Create policy': {
    reason:
      'Missing, and Create not allowed (but not observe-only): nothing is created; as in crossplane, Update is asked instead.',
    object: fresh({ policies: ['Observe', 'Update'] }),
    external: { observe: missing },
    want: {
      result: poll,
      object: {
        conditions: [Synced],
        phase: 'Pending',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: ['Normal UpdatedExternalResource: Successfully requested update of external resource'],
      writes: [update, updateStatus],
      external: ['connect', 'observe', 'update', 'disconnect'],
    },
  },

  // --- Create, crossplane's annotation protocol (deterministicExternal false) ------------------------------
  'annotated create': {
    reason:
      'create-pending saved before Create, create-succeeded after it; Creating, Synced=True, and an immediate requeue to confirm.',
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing },
    want: {
      result: atOnce,
      object: {
        conditions: [Creating, Synced],
        phase: 'Pending',
        annotations: { [ExternalName]: 'app', [Pending]: at(0), [Succeeded]: at(0) },
        finalizers: [managedFinalizer],
      },
      events: [created],
      writes: [update, update, updateStatus],
      external: ['connect', 'observe', 'create', 'disconnect'],
      check: (w) => {
        const [pending] = w.kube.calls.filter((c) => c.method === 'update');
        assert.equal(pending?.body?.metadata.annotations?.[Pending], at(0), 'pending saved before Create');
        assert.equal(pending.body.metadata.annotations[Succeeded], undefined);
      },
    },
  },
  'annotated create, pending save conflicts': {
    reason:
      'A 409 saving create-pending proves our copy stale: creating from it could leak; quiet requeue, no Create.',
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing },
    faults: [conflictOn('update', 1)],
    want: {
      result: requeue,
      object: { conditions: [], annotations: { [ExternalName]: 'app' }, finalizers: [managedFinalizer] },
      events: [],
      writes: [`${update} → Conflict`],
      external: observed,
    },
  },
  'annotated create, pending save fails': {
    reason: 'Any other failure saving create-pending: Creating, Synced=False, requeue, no Create.',
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing },
    faults: [timeoutOn('update', 1)],
    want: {
      result: requeue,
      object: {
        conditions: [Creating, error(`cannot update managed resource: ${timedOut(widgetPath)}`)],
        phase: 'Failed',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [`${update} → Timeout`, updateStatus],
      external: observed,
    },
  },
  'annotated create fails': {
    reason:
      'A failed Create records create-failed (so the create is known to be over), a Warning, Creating, requeue.',
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing, create: fails(new Error('quota exceeded')) },
    want: {
      result: requeue,
      object: {
        conditions: [Creating, error('create failed: quota exceeded')],
        annotations: { [ExternalName]: 'app', [Pending]: at(0), [Failed]: at(0) },
        finalizers: [managedFinalizer],
      },
      events: ['Warning CannotCreateExternalResource: create failed: quota exceeded'],
      writes: [update, update, updateStatus],
      external: ['connect', 'observe', 'create', 'disconnect'],
    },
  },
  'annotated create, succeeded save retries a conflict': {
    reason:
      "Another writer changed the object during Create: the create-succeeded save meets a 409, re-reads, re-applies our annotations over the fresh ones and saves, keeping the other writer's label and annotation.",
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing },
    faults: [concurrentEdit(2)],
    want: {
      result: atOnce,
      object: {
        conditions: [Creating, Synced],
        annotations: { [ExternalName]: 'app', [Pending]: at(0), [Succeeded]: at(0), [Owner]: 'team-a' },
        finalizers: [managedFinalizer],
      },
      events: [created],
      writes: [update, `${update} → Conflict`, update, updateStatus],
      external: ['connect', 'observe', 'create', 'disconnect'],
      check: (w) => {
        assert.deepEqual(stored(w)?.metadata.labels, { team: 'a' });
        assert.equal(w.kube.count('get'), 1, 'one re-read');
      },
    },
  },
  'annotated create fails, failed save retries a conflict': {
    reason: 'The create-failed save retries a 409 the same way.',
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing, create: fails(new Error('quota exceeded')) },
    faults: [concurrentEdit(2)],
    want: {
      result: requeue,
      object: {
        conditions: [Creating, error('create failed: quota exceeded')],
        annotations: { [ExternalName]: 'app', [Pending]: at(0), [Failed]: at(0), [Owner]: 'team-a' },
        finalizers: [managedFinalizer],
      },
      events: ['Warning CannotCreateExternalResource: create failed: quota exceeded'],
      writes: [update, `${update} → Conflict`, update, updateStatus],
      external: ['connect', 'observe', 'create', 'disconnect'],
      check: (w) => {
        assert.deepEqual(stored(w)?.metadata.labels, { team: 'a' });
      },
    },
  },
  'annotated create, succeeded save keeps conflicting': {
    reason:
      'Five 409s in a row: the save gives up and the reconcile requeues quietly; create-succeeded is lost, so the next reconcile finds the create incomplete.',
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing },
    faults: [{ method: 'update', when: (c) => c.index >= 2, fault: 'conflict', times: 5 }],
    want: {
      result: requeue,
      object: {
        conditions: [],
        annotations: { [ExternalName]: 'app', [Pending]: at(0) },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [update, ...Array.from({ length: 5 }, () => `${update} → Conflict`)],
      external: ['connect', 'observe', 'create', 'disconnect'],
      check: (w) => {
        assert.equal(w.kube.count('get'), 4);
      },
    },
  },
  'annotated create, object gone during the succeeded save': {
    reason:
      'The re-read after a 409 finds nothing (the object was deleted): the conflict stands, quiet requeue.',
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing },
    faults: [conflictOn('update', 2), { method: 'get', fault: 'notFound' }],
    want: {
      result: requeue,
      object: {
        conditions: [],
        annotations: { [ExternalName]: 'app', [Pending]: at(0) },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [update, `${update} → Conflict`],
      external: ['connect', 'observe', 'create', 'disconnect'],
    },
  },
  'annotated create, succeeded save fails': {
    reason:
      'Any other failure saving create-succeeded rejects the reconcile (the controller backs off); no event, no status. crossplane instead warns and sets Creating + ReconcileError.',
    object: adopted(),
    options: { deterministicExternal: false },
    external: { observe: missing },
    faults: [timeoutOn('update', 2)],
    want: {
      result: { rejects: /timed out after 30000 ms/ },
      object: {
        conditions: [],
        annotations: { [ExternalName]: 'app', [Pending]: at(0) },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [update, `${update} → Timeout`],
      external: ['connect', 'observe', 'create', 'disconnect'],
    },
  },
  'incomplete create resumed': {
    reason:
      'create-pending later than any outcome (a crash during Create): the name is deterministic, so Observe decides; it is there, so no second Create.',
    object: adopted({ annotations: { [Pending]: at(-60) } }),
    options: { deterministicExternal: false },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app', [Pending]: at(-60) },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [updateStatus],
      external: observed,
      check: (w) => {
        assert.ok(w.logs.debug.includes('Resuming after an incomplete create'), 'logged at debug');
      },
    },
  },

  // --- Late initialisation -------------------------------------------------------------------------------
  'late-initialised': {
    reason:
      'Observe filled an unset spec field: the spec is saved before the status, and the status keeps what Observe learned, re-stamped with the new generation.',
    object: managed(),
    external: {
      observe: exists(
        { resourceLateInitialized: true },
        { change: (mg) => (mg.spec.forProvider = { ...mg.spec.forProvider, encoding: 'UTF8' }) },
      ),
    },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [update, updateStatus],
      external: observed,
      check: (w) => {
        const mg = stored(w);
        assert.equal((mg?.spec.forProvider as { encoding?: string }).encoding, 'UTF8');
        assert.equal(mg?.metadata.generation, 2);
        assert.deepEqual(
          mg.status?.conditions?.map((c) => c.observedGeneration),
          [2, 2],
        );
      },
    },
  },
  'late-init not allowed': {
    reason: 'Without LateInitialize in the policies the filled-in spec is not saved.',
    object: managed({ policies: ['Observe', 'Create', 'Update', 'Delete'] }),
    external: {
      observe: exists(
        { resourceLateInitialized: true },
        { change: (mg) => (mg.spec.forProvider = { ...mg.spec.forProvider, encoding: 'UTF8' }) },
      ),
    },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [],
      external: observed,
      check: (w) => {
        assert.equal((stored(w)?.spec.forProvider as { encoding?: string }).encoding, undefined);
      },
    },
  },
  'late-init save fails': {
    reason: 'Saving the late-initialised spec fails: a Warning, Synced=False, requeue.',
    object: managed(),
    external: { observe: exists({ resourceLateInitialized: true }) },
    faults: [timeoutOn('update')],
    want: {
      result: requeue,
      object: {
        conditions: [Ready, error(`cannot update managed resource: ${timedOut(widgetPath)}`)],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [
        `Warning CannotUpdateManagedResource: cannot update managed resource: ${timedOut(widgetPath)}`,
      ],
      writes: [`${update} → Timeout`, updateStatus],
      external: observed,
    },
  },
  'late-init save conflicts': {
    reason: 'A 409 saving the late-initialised spec: quiet requeue.',
    object: managed(),
    external: { observe: exists({ resourceLateInitialized: true }) },
    faults: [conflictOn('update')],
    want: {
      result: requeue,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [`${update} → Conflict`],
      external: observed,
    },
  },

  // --- Up to date ----------------------------------------------------------------------------------------
  'idle poll': {
    reason: 'Ready and up to date: the status would not change, so nothing is written at all; then the poll.',
    object: managed(),
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        phase: 'Ready',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [],
      external: observed,
      check: (w) => {
        assert.deepEqual(w.metrics, ['unchanged', 'firstTimeReady']);
        assert.equal(w.kube.calls.length, 0, 'not even a read');
      },
    },
  },
  recovered: {
    reason: 'Up to date after a failure: Synced back to True (one status write), phase Ready again.',
    object: managed({
      status: {
        conditions: [
          condition('Ready', 'True', 'Available'),
          condition('Synced', 'False', 'ReconcileError', 'observe failed: connection refused'),
        ],
        phase: 'Failed',
      },
    }),
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        phase: 'Ready',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [updateStatus],
      external: observed,
      check: (w) => {
        const synced = stored(w)?.status?.conditions?.find((c) => c.type === 'Synced');
        assert.equal(synced?.lastTransitionTime, at(0), 'a transition at the clock time');
      },
    },
  },
  'spec changed since the last observation': {
    reason:
      'Generation 2 while the conditions describe 1: the same conditions are set again for generation 2 (crossplane compares observedGeneration).',
    object: managed({ generation: 2 }),
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [updateStatus],
      external: observed,
      check: (w) => {
        assert.deepEqual(
          stored(w)?.status?.conditions?.map((c) => [c.observedGeneration, c.lastTransitionTime]),
          [
            [2, at(0)],
            [2, at(0)],
          ],
        );
      },
    },
  },

  // --- Update --------------------------------------------------------------------------------------------
  'drift corrected': {
    reason:
      'Not up to date: the diff is logged, Update is called, a Normal event; the status did not change, so no write; then the poll.',
    object: managed(),
    external: { observe: exists({ resourceUpToDate: false, diff: 'connectionLimit: 5 → 10' }) },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: ['Normal UpdatedExternalResource: Successfully requested update of external resource'],
      writes: [],
      external: ['connect', 'observe', 'update', 'disconnect'],
      check: (w) => {
        assert.ok(w.logs.debug.includes('External resource differs from desired state'), 'diff logged');
        assert.deepEqual(w.metrics, ['drift']);
      },
    },
  },
  'update fails': {
    reason:
      'A failed Update: a Warning, Synced=False "update failed: …", requeue; Ready stays as Observe set it.',
    object: managed(),
    external: { observe: exists({ resourceUpToDate: false }), update: fails(new Error('permission denied')) },
    want: {
      result: requeue,
      object: {
        conditions: [Ready, error('update failed: permission denied')],
        phase: 'Failed',
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: ['Warning CannotUpdateExternalResource: update failed: permission denied'],
      writes: [updateStatus],
      external: ['connect', 'observe', 'update', 'disconnect'],
    },
  },
  'updated, connection details published': {
    reason: "Update's connection details are merged into the Secret the object controls.",
    object: managed({ secret: 'app-conn' }),
    secrets: [secret('app-conn', { type: connectionSecretType, data: { password: b64('old') } }, 'uid-app')],
    external: {
      observe: exists({ resourceUpToDate: false }),
      update: { connectionDetails: { password: Buffer.from('new') } },
    },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: ['Normal UpdatedExternalResource: Successfully requested update of external resource'],
      writes: ['update secrets/app-conn'],
      external: ['connect', 'observe', 'update', 'disconnect'],
      check: (w) => {
        const s = w.kube.peek<Secret>(secretType, { namespace: 'ns', name: 'app-conn' });
        assert.deepEqual(s?.data, { password: b64('new') });
      },
    },
  },
  'updated, connection details not published': {
    reason:
      "Update's details cannot be published (the Secret read times out): a Warning, Synced=False, requeue.",
    object: managed({ secret: 'app-conn' }),
    external: {
      observe: exists({ resourceUpToDate: false }),
      update: { connectionDetails: { password: Buffer.from('new') } },
    },
    faults: [onSecrets('timeout', 'get')],
    want: {
      result: requeue,
      object: {
        conditions: [
          Ready,
          error(
            `cannot publish connection details: ${timedOut('/api/v1/namespaces/ns/secrets/app-conn', 'GET')}`,
          ),
        ],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [
        `Warning CannotPublishConnectionDetails: cannot publish connection details: ${timedOut('/api/v1/namespaces/ns/secrets/app-conn', 'GET')}`,
      ],
      writes: [updateStatus],
      external: ['connect', 'observe', 'update', 'disconnect'],
    },
  },
  'drift, Update not allowed': {
    reason: 'Without the Update policy drift is left alone: Synced=True and the poll.',
    object: managed({ policies: ['Observe', 'Create', 'Delete'] }),
    external: { observe: exists({ resourceUpToDate: false }) },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [],
      external: observed,
      check: (w) => {
        assert.deepEqual(w.metrics, ['firstTimeReady'], 'not unchanged: it differs');
      },
    },
  },

  // --- Publishing what Observe returned, and the finalizer -----------------------------------------------
  "Observe's connection details refused": {
    reason:
      "Observe's details for a Secret the object does not control: a Warning, Synced=False, requeue (before the finalizer).",
    object: fresh({ secret: 'theirs' }),
    secrets: [secret('theirs', { type: 'Opaque' })],
    external: { observe: exists({ connectionDetails: { password: Buffer.from('p') } }) },
    want: {
      result: requeue,
      object: {
        conditions: [
          Ready,
          error(
            'cannot publish connection details: refusing to modify uncontrolled secret theirs of type Opaque',
          ),
        ],
      },
      events: [
        'Warning CannotPublishConnectionDetails: cannot publish connection details: refusing to modify uncontrolled secret theirs of type Opaque',
      ],
      writes: [updateStatus],
      external: observed,
    },
  },
  'connection Secret write conflicts': {
    reason: 'A 409 writing the connection Secret: quiet requeue.',
    object: managed({ secret: 'app-conn' }),
    secrets: [secret('app-conn', { type: connectionSecretType, data: { password: b64('old') } }, 'uid-app')],
    external: { observe: exists({ connectionDetails: { password: Buffer.from('new') } }) },
    faults: [onSecrets('conflict', 'update')],
    want: {
      result: requeue,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: ['update secrets/app-conn → Conflict'],
      external: observed,
    },
  },
  'finalizer cannot be added': {
    reason: 'Saving the finalizer fails: a Warning, Synced=False, requeue, and no Create.',
    object: fresh(),
    external: { observe: missing },
    faults: [timeoutOn('update')],
    want: {
      result: requeue,
      object: { conditions: [error(`cannot add finalizer: ${timedOut(widgetPath)}`)] },
      events: [`Warning CannotUpdateManagedResource: cannot add finalizer: ${timedOut(widgetPath)}`],
      writes: [`${update} → Timeout`, updateStatus],
      external: observed,
    },
  },
  'finalizer save conflicts': {
    reason: 'A 409 saving the finalizer: quiet requeue, no Create.',
    object: fresh(),
    external: { observe: missing },
    faults: [conflictOn('update')],
    want: {
      result: requeue,
      object: { conditions: [] },
      events: [],
      writes: [`${update} → Conflict`],
      external: observed,
    },
  },

  // --- Disconnect ----------------------------------------------------------------------------------------
  'disconnect fails': {
    reason: "A failed Disconnect is only a Warning: the reconcile's result stands.",
    object: managed(),
    external: { disconnect: fails(new Error('pool already closed')) },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: ['Warning CannotDisconnectFromProvider: disconnect failed: pool already closed'],
      writes: [],
      external: observed,
    },
  },
  'client without disconnect': {
    reason: 'A client need not have a Disconnect (no production kind has one).',
    object: managed(),
    external: { disconnect: 'none' },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [],
      external: ['connect', 'observe'],
    },
  },

  // --- The status write ----------------------------------------------------------------------------------
  'status write conflicts': {
    reason: 'A 409 on the status write: quiet requeue; the next reconcile starts from a fresh copy.',
    object: fresh(),
    external: { observe: fails(new Error('connection refused')) },
    faults: [conflictOn('updateStatus')],
    want: {
      result: requeue,
      object: { conditions: [] },
      events: ['Warning CannotObserveExternalResource: observe failed: connection refused'],
      writes: [`${updateStatus} → Conflict`],
      external: observed,
    },
  },
  'status write finds the object gone': {
    reason:
      'A 404 on the status write (deleted meanwhile) rejects the reconcile; the next one finds it gone.',
    object: fresh(),
    external: { observe: fails(new Error('connection refused')) },
    faults: [{ method: 'updateStatus', fault: 'notFound' }],
    want: {
      result: { rejects: /widgets\.example\.dbops\.io "app" not found/ },
      object: { conditions: [] },
      events: ['Warning CannotObserveExternalResource: observe failed: connection refused'],
      writes: [`${updateStatus} → NotFound`],
      external: observed,
    },
  },
  'status write times out': {
    reason: 'Any other failure of the status write rejects the reconcile (the controller backs off).',
    object: managed({
      status: {
        conditions: [
          condition('Ready', 'True', 'Available'),
          condition('Synced', 'False', 'ReconcileError', 'observe failed: connection refused'),
        ],
      },
    }),
    faults: [timeoutOn('updateStatus')],
    want: {
      result: {
        rejects: /PUT \/apis\/example\.dbops\.io\/v1alpha1\/namespaces\/ns\/widgets\/app\/status: timed out/,
      },
      object: {
        conditions: [Ready, error('observe failed: connection refused')],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [],
      writes: [`${updateStatus} → Timeout`],
      external: observed,
    },
  },

  // --- Optional dependencies -----------------------------------------------------------------------------
  'without optional dependencies': {
    reason:
      'No clock, redact, metrics or own-writes tracker: the wall clock and plain writes are used (times are not asserted).',
    object: fresh(),
    bare: true,
    external: { observe: [missing, exists()] },
    want: {
      result: poll,
      object: {
        conditions: [Ready, Synced],
        annotations: { [ExternalName]: 'app' },
        finalizers: [managedFinalizer],
      },
      events: [created],
      writes: [update, updateStatus],
      external: createdAndConfirmed,
    },
  },
  'without a redact function': {
    reason: 'Without redact, error text reaches conditions and events as it is.',
    object: fresh(),
    bare: true,
    external: { observe: fails(new Error('login failed with password s3cr3t')) },
    want: {
      result: requeue,
      object: { conditions: [error('observe failed: login failed with password s3cr3t')] },
      events: ['Warning CannotObserveExternalResource: observe failed: login failed with password s3cr3t'],
      writes: [updateStatus],
      external: observed,
    },
  },
};

describe('ManagedReconciler, case by case', () => {
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => check(tc));
  }
});
