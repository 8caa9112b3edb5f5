// Starts the same real servers the tests use (kube-apiserver + etcd + controller manager, PostgreSQL,
// MariaDB), installs the CRDs, prints how to reach them, and stops everything on Ctrl-C. For trying the
// provider by hand: KUBECONFIG=<printed path> npm start.
import { createKubeApi } from '../src/kube/client.ts';
import { installCrds } from '../test/harness/crds.ts';
import { startTestEnvironment } from '../test/harness/environment.ts';

const env = await startTestEnvironment();
const kube = await createKubeApi({ fromString: env.kube.kubeconfig });
await installCrds(kube);
kube.close();
const show = (login: { host: string; port: number; user: string; password: string }): string =>
  `${login.user}:${login.password}@${login.host}:${String(login.port)}`;
process.stdout.write(
  [
    `KUBECONFIG=${env.kube.kubeconfigPath}`,
    `PostgreSQL ${env.postgres.version}: ${show(env.postgres.admin)}`,
    `MariaDB ${env.mariadb.version}: ${show(env.mariadb.admin)}`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
// The servers' child processes do not keep Node running on their own (the harness unrefs them, so a test file
// can end), so this timer holds the process until a signal stops it.
const keepAlive = setInterval(() => undefined, 1 << 30);
const stop = (): void => {
  clearInterval(keepAlive);
  void env.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
