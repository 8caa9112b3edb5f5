// ProviderConfig (namespaced) and ClusterProviderConfig (cluster-scoped): credentials for object storage and the
// default backup location. Database logins live on DatabaseInstance, not here. Managed resources pick one with
// spec.providerConfigRef (default: the ClusterProviderConfig named "default").
import { type Static, type TObject } from 'typebox';
import { Conditions, resourceSchema } from './common.ts';
import { namespaceName, objectName, secretKey } from './names.ts';
import { enumOf, int, obj, opt, rules, str, type CelRule } from './schema.ts';
import { storageLocation } from './storage.ts';

export const credentialSources = ['None', 'Secret', 'Environment', 'Filesystem', 'InjectedIdentity'] as const;

const sourceRules: CelRule[] = [
  { rule: "self.source != 'Secret' || has(self.secretRef)", message: 'source Secret needs secretRef' },
  { rule: "self.source != 'Environment' || has(self.env)", message: 'source Environment needs env' },
  { rule: "self.source != 'Filesystem' || has(self.fs)", message: 'source Filesystem needs fs' },
];

const localSecretKey = obj(
  { name: objectName('Name of the Secret.'), key: secretKey('Key within the Secret.') },
  'The Secret key, in the namespace of this ProviderConfig.',
);

const secretKeyAnywhere = obj(
  {
    name: objectName('Name of the Secret.'),
    namespace: namespaceName('Namespace of the Secret.'),
    key: secretKey('Key within the Secret.'),
  },
  'The Secret key.',
);

/** A ProviderConfig reads Secrets from its own namespace; a ClusterProviderConfig names the namespace. */
function credentials<S extends TObject>(secretRef: S) {
  return obj(
    {
      source: enumOf(
        credentialSources,
        'Where the object-storage credentials come from. None: no credentials (filesystem storage, or a public ' +
          'emulator). InjectedIdentity: the SDKs’ default chain (IRSA, EKS Pod Identity, GKE Workload Identity, ' +
          'Azure Workload Identity). Secret, Environment, Filesystem: a JSON document read from there — for S3 ' +
          '{"accessKeyId", "secretAccessKey", "sessionToken"?}, for GCS a service-account key, for Azure ' +
          '{"accountKey"} or {"sasToken"} or {"connectionString"}.',
      ),
      secretRef: opt(secretRef),
      env: opt(
        obj(
          {
            name: str('Name of the environment variable of the provider process.', {
              minLength: 1,
              maxLength: 256,
            }),
          },
          'An environment variable of the provider process.',
        ),
      ),
      fs: opt(
        obj(
          {
            path: str('Absolute path of a file in the provider pod.', {
              minLength: 2,
              maxLength: 1024,
              pattern: '^/.*$',
            }),
          },
          'A file in the provider pod, e.g. a projected token or a mounted Secret.',
        ),
      ),
    },
    'Credentials for object storage.',
    rules(...sourceRules),
  );
}

function providerConfigSpec<S extends TObject>(secretRef: S) {
  return obj(
    {
      credentials: credentials(secretRef),
      storage: opt(storageLocation('Default location for backups that do not name one.')),
    },
    'Credentials and defaults for the resources that use this config.',
  );
}

const ProviderConfigStatus = obj(
  {
    users: opt(
      int('Number of resources using this config; it cannot be deleted while in use.', {
        format: 'int64',
        minimum: 0,
      }),
    ),
    conditions: opt(Conditions),
  },
  'Observed state of the config.',
);

export const ProviderConfig = resourceSchema(
  'Object-storage credentials and defaults for the managed resources in its namespace that select it with ' +
    'providerConfigRef {kind: ProviderConfig, name}.',
  providerConfigSpec(localSecretKey),
  ProviderConfigStatus,
);
export type ProviderConfig = Static<typeof ProviderConfig>;

export const ClusterProviderConfig = resourceSchema(
  'Object-storage credentials and defaults for managed resources in any namespace that select it with ' +
    'providerConfigRef {kind: ClusterProviderConfig, name}; "default" is used when they name none.',
  providerConfigSpec(secretKeyAnywhere),
  ProviderConfigStatus,
);
export type ClusterProviderConfig = Static<typeof ClusterProviderConfig>;
