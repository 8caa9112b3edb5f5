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
const stop = (): void => {
  void env.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
