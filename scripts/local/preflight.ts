// What `npm run local` needs before it starts anything, installed the way CI does it (.ci/run): the Debian
// servers through scripts/install-system-deps.sh (as root), the Go-built control plane through
// scripts/build-test-binaries.sh (skipped when the cache is warm). Anything that cannot be installed here is
// reported with the command that installs it, never with a stack trace.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, pinnedVersions } from '../../test/harness/tools.ts';
import { step, UserError } from './ui.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function found(name: string, extraDirs: string[] = []): boolean {
  const dirs = [...extraDirs, ...(process.env['PATH'] ?? '').split(delimiter)].filter((d) => d !== '');
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface Needs {
  postgres: boolean;
  mariadb: boolean;
}

/** Debian tools the embedded servers need, with the package that brings each. */
function missingSystemTools(needs: Needs): { tool: string; pkg: string }[] {
  const wanted = [
    { tool: 'openssl', pkg: 'openssl', need: true },
    { tool: 'initdb', pkg: 'postgresql-15', need: needs.postgres, dirs: ['/usr/lib/postgresql/15/bin'] },
    { tool: 'mariadb-install-db', pkg: 'mariadb-server', need: needs.mariadb },
  ];
  return wanted.filter((w) => w.need && !found(w.tool, w.dirs)).map(({ tool, pkg }) => ({ tool, pkg }));
}

function missingGoBinaries(): string[] {
  const v = pinnedVersions();
  const names = [`etcd-${v.etcd}`, `kube-apiserver-${v.kube}`, `kube-controller-manager-${v.kube}`];
  return names.filter((name) => {
    try {
      accessSync(join(cacheDir(), 'bin', name), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

function runScript(script: string): boolean {
  // The scripts report their own progress on stderr (which package, which binary, how long it takes).
  const result = spawnSync('bash', [join(repo, 'scripts', script)], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return result.status === 0;
}

/** Installs or builds what is missing; throws a UserError naming what is still missing and how to get it. */
export function preflight(needs: Needs): void {
  const free = statfsSync(tmpdir());
  const freeMb = (free.bavail * free.bsize) / 2 ** 20;
  if (freeMb < 512) {
    throw new UserError(
      `only ${freeMb.toFixed(0)} MB free in ${tmpdir()}; the local servers need about 512 MB. Free some space ` +
        'or point TMPDIR at a bigger disk.',
    );
  }

  let tools = missingSystemTools(needs);
  if (tools.length > 0) {
    const pkgs = tools.map((t) => t.pkg).join(' ');
    if (process.getuid?.() !== 0) {
      throw new UserError(
        `missing ${tools.map((t) => t.tool).join(', ')}; install them with:\n` +
          `  sudo scripts/install-system-deps.sh   (or: sudo apt-get install -y ${pkgs})`,
      );
    }
    const done = step(`installing Debian packages (${pkgs}) with scripts/install-system-deps.sh`);
    const ok = runScript('install-system-deps.sh');
    tools = missingSystemTools(needs);
    if (!ok || tools.length > 0) {
      throw new UserError(
        `scripts/install-system-deps.sh could not install ${pkgs} (no network or no apt?); run it yourself:\n` +
          '  sudo scripts/install-system-deps.sh',
      );
    }
    done();
  }

  const binaries = missingGoBinaries();
  if (binaries.length > 0) {
    if (!found('go')) {
      throw new UserError(
        `missing ${binaries.join(', ')} (built once into ${join(cacheDir(), 'bin')}), and Go is not installed. ` +
          'Install Go >= 1.26 (https://go.dev/dl/), then run:\n  scripts/build-test-binaries.sh',
      );
    }
    const done = step(
      `building ${binaries.join(', ')} with scripts/build-test-binaries.sh (once; ~12 min cold on 2 cores)`,
    );
    if (!runScript('build-test-binaries.sh') || missingGoBinaries().length > 0) {
      throw new UserError(
        'scripts/build-test-binaries.sh failed (it needs Go >= 1.26 and the Go module proxy); run it yourself ' +
          'to see why:\n  scripts/build-test-binaries.sh',
      );
    }
    done();
  }
}
