// ProviderConfigUsage: one per managed resource, recording which provider config it uses so that a config in
// use cannot be deleted (reference/crossplane-runtime.md §4.1). Namespaced, beside its managed resource, for both
// config kinds (the kind label tells them apart). Like Crossplane's own type it has no spec.
import { Type, type Static } from 'typebox';
import { envelope, providerConfigKinds, type ObjectMeta } from './common.ts';
import { objectName } from './names.ts';
import { enumOf, obj, str } from './schema.ts';

const UsageFields = obj(
  {
    ...envelope(),
    providerConfigRef: obj(
      {
        kind: enumOf(providerConfigKinds, 'Kind of the provider config.'),
        name: objectName('Name of the provider config.'),
      },
      'The provider config in use.',
    ),
    resourceRef: obj(
      {
        apiVersion: str('APIVersion of the managed resource.', { minLength: 1, maxLength: 316 }),
        kind: str('Kind of the managed resource.', { minLength: 1, maxLength: 63 }),
        name: objectName('Name of the managed resource, in the namespace of this usage.'),
      },
      'The managed resource using the provider config.',
    ),
  },
  'Records that a managed resource uses a provider config. Created and deleted by the provider.',
);

type UsageFields = Static<typeof UsageFields>;

/** A stored usage: apiVersion, kind and metadata are always present on what the API server returns. */
export type ProviderConfigUsage = Omit<UsageFields, 'apiVersion' | 'kind' | 'metadata'> & {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
};

export const ProviderConfigUsage = Type.Unsafe<ProviderConfigUsage>(UsageFields);
