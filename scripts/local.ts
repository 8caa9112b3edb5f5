// `npm run local`: the whole provider on this machine, no Docker and no cluster. Installs what a fresh clone
// lacks (as CI does), starts a real control plane (etcd, kube-apiserver, kube-controller-manager), PostgreSQL and
// MariaDB (or uses yours), the provider (`src/main.ts`, as users run it) and the composition function, applies
// the examples pointed at those servers, waits until they are Ready and prints what to use. Ctrl-C (or SIGTERM)
// stops everything and removes every temp directory.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKubeApi } from '../src/kube/client.ts';
import { installCrds } from '../test/harness/crds.ts';
import { handleStopSignalsYourself, trackScratchDir } from '../test/harness/processes.ts';
import { manifests, type Server } from './local/examples.ts';
import { acquireLock } from './local/lock.ts';
import { preflight } from './local/preflight.ts';
import { applyAll, connectionUris, rows, waitUntilReady } from './local/resources.ts';
import { startFunction, startProvider, startServers, type Stop } from './local/servers.ts';
import { note, seconds, step, table, timed, UserError } from './local/ui.ts';

const usage = `Usage: npm run local [-- flags]

Runs the provider locally with a real API server, PostgreSQL and MariaDB, applies the examples and prints
how to reach everything. Ctrl-C stops it all.

  --no-examples       apply only the ClusterProviderConfig and one DatabaseInstance per engine
  --no-provider       start everything but the provider, to run your own build against it
                      (KUBECONFIG=<printed path> npm start -- --log-format=text --debug); implies --no-examples
  --postgres <url>    use this PostgreSQL server (postgres://user:password@host:port) instead of starting one;
                      the login needs CREATEDB and CREATEROLE
  --mysql <url>       use this MySQL or MariaDB server (mysql://user:password@host:port) instead of starting one
  --help              this text
`;

function options() {
  try {
    const { values } = parseArgs({
      options: {
        'no-examples': { type: 'boolean', default: false },
        'no-provider': { type: 'boolean', default: false },
        postgres: { type: 'string' },
        mysql: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
    return values;
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n\n${usage}`);
  }
}

const stops: Stop[] = [];
let signalled = false;
let stopping: Promise<void> | undefined;
/** Stops what started, newest first; each part is given its own chance even when another fails. */
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  })();
  return stopping;
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.help) {
    process.stdout.write(usage);
    return;
  }
  const began = Date.now();
  acquireLock();
  // From here on a signal stops the servers gracefully (see below) instead of the harness's SIGKILL.
  handleStopSignalsYourself();
  const shutdown = (why: string): void => {
    if (signalled) return; // a second Ctrl-C while stopping: the exit hook kills what is left
    signalled = true;
    note(`\n${why}: stopping everything …`);
    void stopAll().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => {
      shutdown(signal);
    });
  // Whoever started us went away without passing a signal on (a shell killed under npm): stop as well. This
  // timer also holds the process, whose servers the harness unref'd, until then.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('parent process gone');
  }, 1000);

  preflight({ postgres: opts.postgres === undefined, mariadb: opts.mysql === undefined });

  const scratch = mkdtempSync(join(tmpdir(), 'dbops-local-'));
  const removeScratch = trackScratchDir(scratch);
  stops.push(() => {
    removeScratch();
    return Promise.resolve();
  });
  const backupsDir = join(scratch, 'backups');
  mkdirSync(backupsDir);

  const servers = await startServers({ postgres: opts.postgres, mysql: opts.mysql }, stops);
  const kubeconfigPath = servers.plane.kubeconfigPath;
  const kube = await createKubeApi({ fromString: servers.plane.kubeconfig });
  stops.push(() => {
    kube.close();
    return Promise.resolve();
  });
  await timed('installing the CRDs', () => installCrds(kube));
  const withProvider = !opts['no-provider'];
  const [metricsUrl, fn] = await Promise.all([
    withProvider
      ? timed('starting the provider (src/main.ts)', () => startProvider(kubeconfigPath, scratch, stops))
      : undefined,
    timed('starting the composition function (src/function/main.ts)', () => startFunction(stops)),
  ]);

  const examples = withProvider && !opts['no-examples'];
  const set = manifests(servers, { examples, backupsDir });
  let allReady = true;
  if (withProvider) {
    const done = step(
      `applying ${examples ? 'the examples' : 'the DatabaseInstances'} and waiting until they are Ready`,
    );
    await applyAll(kube, [...set.setup, ...set.managed]);
    allReady = await waitUntilReady(kube, set.managed, 180_000);
    if (allReady) done();
  } else {
    // Nothing becomes Ready until the user starts a provider of their own.
    await timed('applying the DatabaseInstances', () => applyAll(kube, [...set.setup, ...set.managed]));
  }

  const state = await rows(kube, set.managed);
  const uris = await connectionUris(kube, set.managed);
  const login = (s: Server): string => {
    const scheme = s.engine === 'postgres' ? 'postgresql' : 'mysql';
    const { user, password, host, port } = s.admin;
    return `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${String(port)}`;
  };
  const indent = (text: string) => text.replace(/^/gm, '  ');
  const out = [
    '',
    `provider-dbops is running locally (up in ${seconds(Date.now() - began)})`,
    '',
    table(
      ['KIND', 'NAME', 'READY', 'SYNCED', 'EXTERNAL-NAME'],
      state.map((r) => [r.kind, r.name, r.ready, r.synced, r.externalName]),
    ),
    ...(withProvider ? state.filter((r) => r.why !== '').map((r) => `  ${r.kind} ${r.name}: ${r.why}`) : []),
    '',
    ...(uris.length > 0
      ? ['Connection strings (key uri of the users’ Secrets):', indent(table(['SECRET', 'URI'], uris)), '']
      : []),
    'Admin logins of the DatabaseInstances:',
    indent(
      table(
        ['ENGINE', 'URI'],
        [servers.postgres, servers.mysql].map((s) => [s.engine, login(s)]),
      ),
    ),
    '',
    `export KUBECONFIG=${kubeconfigPath}`,
    '  kubectl get managed -A     # the resources above',
    '  kubectl apply -f <file>    # more of your own: instanceRef orders-pg or wiki-mariadb in team-a',
    ...(metricsUrl === undefined
      ? [
          `Provider:  not started (--no-provider); run yours with`,
          `  KUBECONFIG=${kubeconfigPath} npm start -- --log-format=text --debug`,
        ]
      : [`Metrics:   ${metricsUrl}`, `Logs:      ${join(scratch, 'provider.log')}`]),
    `Function:  ${fn.address} (plaintext gRPC, e.g. for crossplane render)`,
    '',
    allReady
      ? 'Ctrl-C stops everything and removes the temp directories.'
      : 'Not everything became Ready within 3 minutes (see the reasons above and the provider log). ' +
        'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main().catch(async (err: unknown) => {
  if (signalled) return; // stopping already; what failed was cut short by the stop
  const message = err instanceof UserError ? err.message : err instanceof Error ? err.message : String(err);
  note(`\nnpm run local: ${message}`);
  await stopAll();
  process.exit(1);
});
