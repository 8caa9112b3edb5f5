// spec.managementPolicies: which of the reconciler's actions a managed resource allows, and which combinations
// are supported at all (crossplane-runtime pkg/reconciler/managed/policies.go, for namespaced resources that
// have no deletionPolicy). Policies are sets: order and repetition do not matter.
import type { ManagementAction } from './managed.ts';

/** The set crossplane treats as the default; an unset field means this. */
export const DEFAULT_MANAGEMENT_POLICIES: readonly ManagementAction[] = ['*'];

/** Every combination crossplane supports with management policies enabled. */
export const SUPPORTED_MANAGEMENT_POLICIES: readonly (readonly ManagementAction[])[] = [
  ['*'],
  ['Observe', 'Create', 'Update', 'LateInitialize', 'Delete'],
  ['Observe'],
  [], // pause
  ['Observe', 'Create', 'Update', 'Delete'],
  ['Observe', 'Create', 'Update', 'LateInitialize'],
  ['Observe', 'Create', 'Update'],
  ['Observe', 'Create', 'Delete', 'LateInitialize'],
  ['Observe', 'Create', 'LateInitialize'],
  ['Observe', 'Create', 'Delete'],
  ['Observe', 'Create'],
  ['Observe', 'Delete'],
  ['Observe', 'Update'],
  ['Observe', 'LateInitialize'],
  ['Observe', 'Update', 'LateInitialize'],
];

/** A canonical key for a set of actions, so set equality is string equality. */
function setKey(actions: Iterable<string>): string {
  return [...new Set(actions)].sort().join(',');
}

const supportedKeys = new Set(SUPPORTED_MANAGEMENT_POLICIES.map(setKey));

export interface ManagementPolicyOptions {
  /**
   * crossplane's EnableBetaManagementPolicies feature flag (default true). When off, only [] and ["*"] are
   * valid, nothing pauses and every action is allowed.
   */
  enabled?: boolean;
}

/** Answers the reconciler's questions about one resource's management policies. */
export class ManagementPolicyResolver {
  private readonly actions: ReadonlySet<string>;
  private readonly enabled: boolean;

  /** `policies` is spec.managementPolicies as stored; undefined means the default ["*"]. */
  constructor(policies: readonly string[] | undefined, options: ManagementPolicyOptions = {}) {
    this.actions = new Set(policies ?? DEFAULT_MANAGEMENT_POLICIES);
    this.enabled = options.enabled ?? true;
  }

  /** The error message crossplane reports for an unsupported value, or undefined when the value is valid. */
  validate(): string | undefined {
    const shown = `[${[...this.actions].join(' ')}]`;
    if (!this.enabled) {
      const valid = this.actions.size === 0 || setKey(this.actions) === setKey(DEFAULT_MANAGEMENT_POLICIES);
      return valid
        ? undefined
        : `\`spec.managementPolicies\` is set to a non-default value but the feature is not enabled: ${shown}`;
    }
    return supportedKeys.has(setKey(this.actions))
      ? undefined
      : `\`spec.managementPolicies\` is set to a value(${shown}) which is not supported. Check docs for supported policies`;
  }

  /** An empty set pauses reconciliation, like the crossplane.io/paused annotation. */
  isPaused(): boolean {
    return this.enabled && this.actions.size === 0;
  }

  /** Exactly ["Observe"]: a missing external resource is an error, not something to create. */
  shouldOnlyObserve(): boolean {
    return this.enabled && setKey(this.actions) === 'Observe';
  }

  shouldCreate(): boolean {
    return this.allows('Create');
  }

  shouldUpdate(): boolean {
    return this.allows('Update');
  }

  /** Without Delete the external resource is orphaned when the managed resource goes away. */
  shouldDelete(): boolean {
    return this.allows('Delete');
  }

  shouldLateInitialize(): boolean {
    return this.allows('LateInitialize');
  }

  private allows(action: ManagementAction): boolean {
    return !this.enabled || this.actions.has(action) || this.actions.has('*');
  }
}
