// Cross-resource references the Crossplane way (reference/crossplane-runtime.md §5): `…Ref` names an object,
// `…Selector` picks one by labels and records it in `…Ref`. Namespaced: a reference may name another namespace,
// which the target kind may refuse (DatabaseInstance allowedNamespaces).
import { namespaceName, objectName } from './names.ts';
import { anyPresent, bool, enumOf, mapOf, obj, opt, rules, str, type CelRule } from './schema.ts';

const ReferencePolicy = obj(
  {
    resolve: opt(
      enumOf(
        ['Always', 'IfNotPresent'] as const,
        'When to resolve: IfNotPresent (the default) resolves once; Always resolves on every reconcile.',
      ),
    ),
    resolution: opt(
      enumOf(
        ['Required', 'Optional'] as const,
        'Whether resolution must succeed: Required (the default) fails the reconcile when the target is missing.',
        { default: 'Required' },
      ),
    ),
  },
  'How the reference or selector is resolved.',
);

/** A reference by name to an object of `targetKind`; namespace defaults to this resource's own. */
export function namespacedReference(targetKind: string, description: string, celRules: CelRule[] = []) {
  return obj(
    {
      name: objectName(`Name of the ${targetKind}.`),
      namespace: opt(
        namespaceName(`Namespace of the ${targetKind}; defaults to the namespace of this resource.`),
      ),
      policy: opt(ReferencePolicy),
    },
    description,
    celRules.length > 0 ? rules(...celRules) : {},
  );
}

/** Selects an object of `targetKind` by labels; the first match is written to the matching `…Ref`. */
export function namespacedSelector(targetKind: string, refField: string) {
  return obj(
    {
      matchLabels: opt(
        mapOf(str('Label value.', { maxLength: 63 }), `Labels the ${targetKind} must carry.`, {
          maxProperties: 32,
        }),
      ),
      matchControllerRef: opt(
        bool(
          `Only select a ${targetKind} with the same controller reference as this resource (same composite).`,
        ),
      ),
      namespace: opt(
        namespaceName(
          `Namespace to select the ${targetKind} in; defaults to the namespace of this resource.`,
        ),
      ),
      policy: opt(ReferencePolicy),
    },
    `Selects a ${targetKind} by labels; the first match is recorded in ${refField}, which then takes precedence.`,
  );
}

/** A reference that cannot point elsewhere once set: changing name or namespace would move the resource. */
export function fixedReference(field: string): CelRule {
  return {
    rule:
      'self.name == oldSelf.name && ' +
      "(has(self.__namespace__) ? self.__namespace__ : '') == (has(oldSelf.__namespace__) ? oldSelf.__namespace__ : '')",
    message: `${field} is immutable`,
  };
}

/**
 * `instanceRef` + `instanceSelector` of kinds that live on a DatabaseInstance, and the rules that go on the
 * object holding them: one of the two is needed, and once resolved the instance never changes.
 */
export function instanceReferenceFields() {
  return {
    instanceRef: opt(
      namespacedReference(
        'DatabaseInstance',
        'The DatabaseInstance (database server) this resource lives on. It may be in another namespace if that ' +
          'instance lists this namespace in allowedNamespaces. Cannot be changed once set.',
        [fixedReference('instanceRef')],
      ),
    ),
    instanceSelector: opt(namespacedSelector('DatabaseInstance', 'instanceRef')),
  };
}

export const instanceReferenceRules: CelRule[] = [
  { rule: anyPresent(['instanceRef', 'instanceSelector']), message: 'set instanceRef or instanceSelector' },
  {
    rule: '!has(oldSelf.instanceRef) || has(self.instanceRef)',
    message: 'instanceRef cannot be removed once set',
  },
];

/**
 * Whether a resource in `fromNamespace` may use an object (a DatabaseInstance) in `ownNamespace` whose
 * allow-list is `allowed`: its own namespace always may; others only when listed, or when "*" is listed.
 */
export function namespaceAllowed(
  allowed: readonly string[] | undefined,
  ownNamespace: string,
  fromNamespace: string,
): boolean {
  return fromNamespace === ownNamespace || (allowed ?? []).some((ns) => ns === '*' || ns === fromNamespace);
}
