import { readFileSync } from 'node:fs';
import { startControlPlane } from './kube.ts';
import { startMariaDb } from './mariadb.ts';
import { startPostgres, type DatabaseLogin } from './postgres.ts';

/** What the tests connect to. Every part is a real server on loopback. */
export interface TestEnvironment {
  readonly kube: { readonly server: string; readonly kubeconfig: string; readonly kubeconfigPath: string };
  readonly postgres: { readonly admin: DatabaseLogin; readonly version: string };
  readonly mariadb: { readonly admin: DatabaseLogin; readonly version: string };
}

export interface RunningEnvironment extends TestEnvironment {
  stop(): Promise<void>;
}

/** The variable through which scripts/run-tests.ts hands one shared environment to every test file. */
export const sharedEnvironmentVariable = 'DBOPS_TEST_ENV';

/** Starts the API server and both database servers in parallel; if any fails, stops the others. */
export async function startTestEnvironment(): Promise<RunningEnvironment> {
  const results = await Promise.allSettled([startControlPlane(), startPostgres(), startMariaDb()]);
  const [kube, postgres, mariadb] = results;
  if (kube.status === 'fulfilled' && postgres.status === 'fulfilled' && mariadb.status === 'fulfilled') {
    const parts = [kube.value, postgres.value, mariadb.value];
    return {
      kube: {
        server: kube.value.server,
        kubeconfig: kube.value.kubeconfig,
        kubeconfigPath: kube.value.kubeconfigPath,
      },
      postgres: { admin: postgres.value.admin, version: postgres.value.version },
      mariadb: { admin: mariadb.value.admin, version: mariadb.value.version },
      stop: async () => {
        await Promise.all(parts.map((part) => part.stop()));
      },
    };
  }
  await Promise.all(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.stop()] : [])));
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  throw new Error(`cannot start the test environment:\n${reasons.join('\n')}`);
}

let privateEnvironment: Promise<RunningEnvironment> | undefined;

/**
 * The environment for a test file: the shared one the test runner started, or, when a file is run on its own,
 * one private environment per process, stopped when the process has nothing left to do. (An `after` hook
 * would be wrong here: called from inside a `before` hook it would stop the servers before the tests run.)
 */
export async function useTestEnvironment(): Promise<TestEnvironment> {
  const shared = process.env[sharedEnvironmentVariable];
  if (shared !== undefined) return JSON.parse(readFileSync(shared, 'utf8')) as TestEnvironment;
  if (privateEnvironment === undefined) {
    privateEnvironment = startTestEnvironment();
    const started = privateEnvironment;
    process.once('beforeExit', () => {
      void started.then((env) => env.stop());
    });
  }
  return privateEnvironment;
}
