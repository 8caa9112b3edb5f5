// Runs the test suite with Node's own runner. When integration tests are selected it first starts one shared
// environment (kube-apiserver + etcd, PostgreSQL, MariaDB on loopback), hands it to every test file through
// DBOPS_TEST_ENV, and stops it afterwards, whatever happens.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  sharedEnvironmentVariable,
  startTestEnvironment,
  type RunningEnvironment,
  type TestEnvironment,
} from '../test/harness/environment.ts';

function testFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => testFiles(join(path, entry)));
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ['test']).flatMap(testFiles).map((f) => relative('.', f));
if (files.length === 0) {
  console.error(`no test files found under ${roots.join(' ') || 'test'}`);
  process.exit(1);
}
const needsEnvironment = files.some((f) => !f.startsWith(join('test', 'unit')));

let env: RunningEnvironment | undefined;
let envDir: string | undefined;
async function cleanUp(): Promise<void> {
  await env?.stop();
  env = undefined;
  if (envDir !== undefined) rmSync(envDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  const childEnv = { ...process.env };
  if (needsEnvironment) {
    const started = Date.now();
    env = await startTestEnvironment();
    envDir = mkdtempSync(join(tmpdir(), 'dbops-env-'));
    const description = join(envDir, 'environment.json');
    const shared: TestEnvironment = { kube: env.kube, postgres: env.postgres, mariadb: env.mariadb };
    writeFileSync(description, JSON.stringify(shared), { mode: 0o600 });
    childEnv[sharedEnvironmentVariable] = description;
    console.log(
      `test environment up in ${((Date.now() - started) / 1000).toFixed(1)} s: kube-apiserver ${env.kube.server}, ` +
        `PostgreSQL ${env.postgres.version} on port ${env.postgres.admin.port}, ` +
        `MariaDB ${env.mariadb.version} on port ${env.mariadb.admin.port}`,
    );
  }
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
      env: childEnv,
      stdio: 'inherit',
    });
    child.on('exit', (exitCode, signal) => {
      resolve(exitCode ?? (signal === null ? 1 : 128));
    });
  });
  process.exitCode = code;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
