// The manifests `npm run local` applies: a ClusterProviderConfig, the PostgreSQL and MariaDB DatabaseInstances of
// examples/ pointed at the local servers, and (unless --no-examples) those examples' databases, users, roles and
// grants. The examples are read from examples/ and changed only where they name things that exist in a real
// deployment but not here (server address, CA Secrets, placeholder passwords, network host patterns).
// Backups, restores and schedules are left out: those kinds are not served yet.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/kube/api.ts';
import type { DatabaseLogin } from '../../test/harness/postgres.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
export const exampleNamespace = 'team-a';

type Json = Record<string, unknown>;
type Manifest = KubeObject & Json;

export interface Server {
  engine: 'postgres' | 'mysql' | 'mariadb';
  admin: DatabaseLogin;
}

function load(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(repo, 'examples', file), 'utf8'))
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

const at = (obj: unknown, ...path: string[]): Json => {
  let cur = obj as Json;
  for (const key of path) {
    cur[key] ??= {};
    cur = cur[key] as Json;
  }
  return cur;
};
const forProvider = (m: Manifest): Json => at(m, 'spec', 'forProvider');
const password = (): string => randomBytes(18).toString('base64url');

/** The example instance (Secret + DatabaseInstance) pointed at `server`, without TLS. */
function instance(file: string, server: Server): Manifest[] {
  return load(file).map((m) => {
    if (m.kind === 'Secret') {
      return { ...m, stringData: { username: server.admin.user, password: server.admin.password } };
    }
    const fp = forProvider(m);
    fp['engine'] = server.engine;
    const connection = at(fp, 'connection');
    connection['host'] = server.admin.host;
    connection['port'] = server.admin.port;
    fp['tls'] = { mode: 'disable' }; // the local servers listen on loopback without TLS
    return m;
  });
}

/** Placeholder passwords in the examples' Secrets become random ones. */
function fillPasswords(m: Manifest): Manifest {
  if (m.kind !== 'Secret') return m;
  const data = { ...(m['stringData'] as Record<string, string>) };
  for (const [key, value] of Object.entries(data))
    if (value.startsWith('REPLACE-WITH')) data[key] = password();
  return { ...m, stringData: data };
}

function postgresExamples(): Manifest[] {
  return ['database.yaml', 'role.yaml', 'user.yaml', 'grant.yaml'].flatMap((file) =>
    load(`postgresql/${file}`).map((m) => {
      const fp = m.kind === 'Secret' ? {} : forProvider(m);
      if (m.kind === 'Database') {
        const postgres = at(fp, 'postgres');
        // The local server was initialised with the C.UTF-8 locale only.
        Object.assign(postgres, { lcCollate: 'C.UTF-8', lcCtype: 'C.UTF-8' });
      }
      if (m.kind === 'DatabaseUser') {
        const data = at(fp, 'connectionSecretTemplate', 'data');
        for (const [key, value] of Object.entries(data)) {
          data[key] = String(value).replace('sslmode=verify-full', 'sslmode=disable');
        }
      }
      return fillPasswords(m);
    }),
  );
}

function mariadbExamples(): Manifest[] {
  return ['database.yaml', 'role.yaml', 'user.yaml', 'grant.yaml'].flatMap((file) =>
    load(`mariadb/${file}`).map((m) => {
      if (m.kind === 'DatabaseUser') {
        const my = at(forProvider(m), 'mysql');
        // Logins come from this machine, not from the cluster network the example allows (the server listens
        // on loopback only).
        my['allowedHosts'] = ['%'];
        // ed25519 needs a client plugin most drivers (mysql2, JDBC without it) lack; use the server default.
        delete my['authPlugin'];
      }
      return fillPasswords(m);
    }),
  );
}

export interface ManifestSet {
  /** Applied first: namespace, provider config. */
  setup: Manifest[];
  /** The managed resources (and the Secrets they read), applied after setup. */
  managed: Manifest[];
}

export function manifests(
  servers: { postgres: Server; mysql: Server },
  options: { examples: boolean; backupsDir: string },
): ManifestSet {
  const setup: Manifest[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: exampleNamespace } },
    {
      apiVersion: 'dbops.dbprovision.io/v1alpha1',
      kind: 'ClusterProviderConfig',
      metadata: { name: 'default' },
      spec: { credentials: { source: 'None' }, storage: { filesystem: { path: options.backupsDir } } },
    },
  ];
  const managed = [
    ...instance('postgresql/instance.yaml', servers.postgres),
    ...instance('mariadb/instance.yaml', servers.mysql),
    ...(options.examples ? [...postgresExamples(), ...mariadbExamples()] : []),
  ];
  return { setup, managed };
}
