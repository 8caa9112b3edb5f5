// Where backups live and how they are packed: shared by DatabaseBackup, DatabaseBackupSchedule, DatabaseRestore
// and the provider configs (which hold the default location and the credentials).
import { type Static } from 'typebox';
import { LocalSecretKeySelector } from './common.ts';
import { bool, enumOf, exactlyOneOf, int, obj, opt, rules, str } from './schema.ts';

const prefix = str(
  'Key prefix under which backup objects are stored, without leading slash, e.g. "prod/orders".',
  {
    maxLength: 512,
    pattern: '^[^/].*$',
  },
);

const endpoint = (service: string) =>
  str(
    `Endpoint URL of a ${service}-compatible service (emulators, on-premises servers); defaults to ${service}.`,
    {
      maxLength: 2048,
      pattern: '^https?://[^\\s]+$',
    },
  );

const S3Location = obj(
  {
    bucket: str('Bucket name.', { minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9.-]*[a-z0-9]$' }),
    region: str('Region of the bucket.', { minLength: 1, maxLength: 64, default: 'us-east-1' }),
    prefix: opt(prefix),
    endpoint: opt(endpoint('Amazon S3')),
    forcePathStyle: opt(
      bool('Address the bucket as endpoint/bucket instead of bucket.endpoint (most S3-compatible servers).', {
        default: false,
      }),
    ),
  },
  'An Amazon S3 (or S3-compatible) bucket.',
);

const GcsLocation = obj(
  {
    bucket: str('Bucket name.', { minLength: 3, maxLength: 222, pattern: '^[a-z0-9][a-z0-9._-]*[a-z0-9]$' }),
    prefix: opt(prefix),
    endpoint: opt(endpoint('Google Cloud Storage')),
  },
  'A Google Cloud Storage bucket.',
);

const AzureLocation = obj(
  {
    storageAccount: str('Storage account name.', { minLength: 3, maxLength: 24, pattern: '^[a-z0-9]+$' }),
    container: str('Blob container name.', {
      minLength: 3,
      maxLength: 63,
      pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$',
    }),
    prefix: opt(prefix),
    endpoint: opt(endpoint('Azure Blob Storage')),
  },
  'An Azure Blob Storage container.',
);

const FilesystemLocation = obj(
  {
    path: str(
      'Absolute directory inside the provider pod, typically where a volume is mounted through a ' +
        'DeploymentRuntimeConfig. Backups are written below it.',
      { minLength: 2, maxLength: 1024, pattern: '^/.*$' },
    ),
  },
  'A directory on a volume mounted into the provider pod.',
);

/** Where backup objects are stored; `description` says what this location is for. */
export function storageLocation(description: string) {
  return obj(
    {
      s3: opt(S3Location),
      gcs: opt(GcsLocation),
      azure: opt(AzureLocation),
      filesystem: opt(FilesystemLocation),
    },
    `${description} Exactly one of s3, gcs, azure or filesystem; credentials come from the provider config.`,
    rules(
      exactlyOneOf(
        [['s3'], ['gcs'], ['azure'], ['filesystem']],
        'set exactly one of s3, gcs, azure, filesystem',
      ),
    ),
  );
}
export type StorageLocation = Static<ReturnType<typeof storageLocation>>;

export const compressionAlgorithms = ['gzip', 'zstd', 'none'] as const;

/** How a dump is compressed; defaults to gzip when the block is left out. */
export const Compression = obj(
  {
    algorithm: enumOf(
      compressionAlgorithms,
      'Compression applied to the dump before encryption and upload.',
      {
        default: 'gzip',
      },
    ),
    level: opt(
      int(
        'Compression level: 1 (fastest) to 9 for gzip, 1 to 19 for zstd; defaults to the algorithm’s own.',
        {
          minimum: 1,
          maximum: 19,
        },
      ),
    ),
  },
  'How the dump is compressed; defaults to gzip.',
  {
    default: {},
    ...rules(
      {
        rule: "self.algorithm != 'gzip' || !has(self.level) || self.level <= 9",
        message: 'gzip levels are 1 to 9',
      },
      {
        rule: "self.algorithm != 'none' || !has(self.level)",
        message: 'level needs a compression algorithm',
      },
    ),
  },
);
export type Compression = Static<typeof Compression>;

export const Encryption = obj(
  {
    algorithm: enumOf(
      ['aes-256-gcm'] as const,
      'Authenticated encryption applied after compression, in chunks so nothing is held whole in memory.',
      { default: 'aes-256-gcm' },
    ),
    keySecretRef: obj(
      LocalSecretKeySelector.properties,
      'The Secret key holding the encryption key: exactly 32 bytes. Losing it makes the backups unreadable.',
    ),
  },
  'Encrypts backup objects; leave out to store them unencrypted.',
);
export type Encryption = Static<typeof Encryption>;
