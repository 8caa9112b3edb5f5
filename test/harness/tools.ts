import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const installHint = 'run scripts/install-system-deps.sh (as root) or install the Debian package';

/** Where Go-built servers are cached: outside the checkout, so fresh clones (CI) reuse them. */
export function cacheDir(): string {
  const base = process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache');
  return process.env['DBOPS_CACHE_DIR'] ?? join(base, 'provider-dbops');
}

/** Pinned versions of the Go-built test servers (scripts/versions.env is the single source). */
export function pinnedVersions(): { kube: string; etcd: string; crossplane: string } {
  const text = readFileSync(join(repoRoot, 'scripts', 'versions.env'), 'utf8');
  const read = (key: string): string => {
    const match = new RegExp(`^${key}=(\\S+)$`, 'm').exec(text);
    if (match?.[1] === undefined) throw new Error(`scripts/versions.env has no ${key}`);
    return match[1];
  };
  return { kube: read('KUBE_VERSION'), etcd: read('ETCD_VERSION'), crossplane: read('CROSSPLANE_VERSION') };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a program on PATH or in the given directories, or fails with what to install. Debian keeps PostgreSQL's
 * server programs under /usr/lib/postgresql/<major>/bin, off PATH.
 */
export function requireTool(name: string, debianPackage: string, extraDirs: string[] = []): string {
  const dirs = [...extraDirs, ...(process.env['PATH'] ?? '').split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir !== '' && isExecutable(candidate)) return candidate;
  }
  throw new Error(`missing tool '${name}': ${installHint} '${debianPackage}'`);
}

/**
 * Returns the cached Go-built server binary, building it first (once per version) with
 * scripts/build-test-binaries.sh when it is missing.
 */
export function goBuiltServer(
  name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'crank' | 'crossplane' | 'oci-registry',
): string {
  const versions = pinnedVersions();
  const version =
    name === 'etcd' ? versions.etcd : name.startsWith('kube-') ? versions.kube : versions.crossplane;
  const binary = join(cacheDir(), 'bin', `${name}-${version}`);
  if (isExecutable(binary)) return binary;
  process.stderr.write(`${binary} is missing; building it from the Go module proxy (cold: ~10 min)\n`);
  try {
    execFileSync('bash', [join(repoRoot, 'scripts', 'build-test-binaries.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (err) {
    throw new Error(
      `cannot build ${name} ${version} with scripts/build-test-binaries.sh (needs Go >= 1.26 and the Go module proxy)`,
      {
        cause: err,
      },
    );
  }
  if (!isExecutable(binary)) throw new Error(`scripts/build-test-binaries.sh did not produce ${binary}`);
  return binary;
}

/** The unprivileged account a database server runs as when the harness runs as root (initdb refuses root). */
export function serviceAccount(user: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`running as root needs the system user '${user}' to run the server; ${installHint}`);
  }
}
