// Pieces every kind shares: the object envelope, conditions and phases, the Crossplane v2 managed-resource spec
// and status, and local secret selectors (reference/crossplane-runtime.md §2–§3).
import { Type, type Static, type TObject, type TSchema, type TUnsafe } from 'typebox';
import { objectName, secretKey, timestamp } from './names.ts';
import { enumOf, int, listMapOf, obj, opt, rules, str, type CelRule } from './schema.ts';

export const group = 'dbops.dbprovision.io';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}`;

/** The object metadata the API server returns; the CRD schema leaves metadata to the server. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
}

/** A stored object of one kind: what the API server returns (apiVersion, kind and metadata always present). */
export interface KubeResource<Spec, Status> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/**
 * The root schema of a kind. apiVersion, kind and metadata are left optional in the schema (the server fills
 * them) but are present in the TypeScript type, which describes stored objects.
 */
export function resourceSchema<Spec extends TSchema, Status extends TSchema>(
  description: string,
  spec: Spec,
  status: Status,
): TUnsafe<KubeResource<Static<Spec>, Static<Status>>> {
  return Type.Unsafe<KubeResource<Static<Spec>, Static<Status>>>(
    obj({ ...envelope(), spec, status: opt(status) }, description),
  );
}

/** apiVersion, kind and metadata, as every root schema declares them. */
export function envelope() {
  return {
    apiVersion: opt(str('APIVersion defines the versioned schema of this representation of an object.')),
    kind: opt(str('Kind is a string value representing the REST resource this object represents.')),
    // The API server validates metadata itself; a CRD may only say it is an object.
    metadata: opt(Type.Unsafe<ObjectMeta>({ type: 'object' })),
  };
}

// --- conditions and phases ---------------------------------------------------------------------------------

export const Condition = obj(
  {
    type: str('Type of the condition, e.g. Ready or Synced.', { minLength: 1, maxLength: 316 }),
    status: enumOf(['True', 'False', 'Unknown'] as const, 'Status of the condition: True, False or Unknown.'),
    lastTransitionTime: timestamp('When the condition last changed from one status to another.'),
    reason: str('A machine-readable CamelCase reason for the condition, e.g. Available or ReconcileError.', {
      maxLength: 1024,
    }),
    message: opt(
      str('A human-readable message with details about the last transition.', { maxLength: 32768 }),
    ),
    observedGeneration: opt(
      int('The metadata.generation the condition was set for.', { format: 'int64', minimum: 0 }),
    ),
  },
  'A condition of the resource, as Crossplane defines it.',
);
export type Condition = Static<typeof Condition>;

export const Conditions = listMapOf(
  Condition,
  ['type'],
  'Conditions of the resource: Ready (is it available?) and Synced (did the last reconcile succeed?).',
  { maxItems: 16 },
);

/** Phases of resources that are created and then kept in sync. */
export const managedPhases = ['Pending', 'Ready', 'Failed', 'Deleting'] as const;
/** Phases of one-shot runs (backups and restores). */
export const runPhases = ['Pending', 'Running', 'Completed', 'Failed', 'Deleting'] as const;
/** Phases of backup schedules. */
export const schedulePhases = ['Pending', 'Active', 'Paused', 'Failed', 'Deleting'] as const;

const phaseDescription =
  'A one-word summary derived from the conditions, for humans, dashboards and metrics; ' +
  'automation should read the conditions.';

// --- the managed-resource spec -----------------------------------------------------------------------------

export const managementActions = ['Observe', 'Create', 'Update', 'Delete', 'LateInitialize', '*'] as const;

const ManagementPolicies = Type.Array(
  enumOf(managementActions, 'One action the provider may take on the external resource.'),
  {
    description:
      'Actions the provider may take on the external resource. "*" allows all. Leave out Delete to orphan the ' +
      'external resource when this object is deleted; ["Observe"] only observes an existing resource; an empty ' +
      'list pauses reconciliation.',
    default: ['*'],
    maxItems: 6,
  },
);

export const providerConfigKinds = ['ClusterProviderConfig', 'ProviderConfig'] as const;

const ProviderConfigReference = obj(
  {
    kind: enumOf(
      providerConfigKinds,
      'Kind of the provider config: ClusterProviderConfig (cluster-wide) or ProviderConfig (in this namespace).',
    ),
    name: objectName('Name of the provider config.'),
  },
  'The provider config that holds object-storage credentials and defaults for this resource.',
  { default: { kind: 'ClusterProviderConfig', name: 'default' } },
);

export const LocalSecretKeySelector = obj(
  {
    name: objectName('Name of the Secret, in the namespace of this resource.'),
    key: secretKey('Key within the Secret.'),
  },
  'A key of a Secret in the namespace of this resource.',
);
export type LocalSecretKeySelector = Static<typeof LocalSecretKeySelector>;

/** `spec` of a managed kind around its `forProvider` parameters; `celRules` relate forProvider to the rest. */
export function managedSpec<P extends TObject>(
  forProvider: P,
  description: string,
  celRules: CelRule[] = [],
) {
  return obj(
    {
      forProvider,
      managementPolicies: opt(ManagementPolicies),
      providerConfigRef: opt(ProviderConfigReference),
      writeConnectionSecretToRef: opt(
        obj(
          { name: objectName('Name of the Secret, in the namespace of this resource.') },
          'The Secret, in this namespace, to which the provider writes connection details of the external resource.',
        ),
      ),
    },
    description,
    celRules.length > 0 ? rules(...celRules) : {},
  );
}

/** status.atProvider.managedBy of the kinds that own a server object (Database, DatabaseUser, DatabaseRole). */
export const managedBy = opt(
  str(
    'The object that owns this server object, as the ownership record on the server says ' +
      '(e.g. "Database team-a/orders"); absent when the server object has no such record.',
    { maxLength: 512 },
  ),
);

/** `status` of a managed kind around its `atProvider` observation. */
export function managedStatus<A extends TObject, const Ph extends readonly string[]>(
  atProvider: A,
  phases: Ph,
  description: string,
) {
  return obj(
    {
      atProvider: opt(atProvider),
      conditions: opt(Conditions),
      phase: opt(enumOf(phases, phaseDescription)),
      lastHandledReconcileAt: opt(
        str('The last value of the crossplane.io/reconcile-requested-at annotation the provider acted on.', {
          maxLength: 256,
        }),
      ),
    },
    description,
  );
}
