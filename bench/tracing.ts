// Benchmark of tracing and scraping (issue: monitoring): N DatabaseRole objects with a no-op external client
// taken to Ready by the compiled provider process (as in the runtime benchmark), with tracing off, on to a
// live OTLP/HTTP receiver, and on to a blackholed endpoint (accepts connections, never answers), each with
// /metrics scraped every 100 ms and not scraped. Every run is against the same API server. The scenarios are
// repeated in interleaved rounds (a shared machine is noisy) and their medians compared with the median of
// "off / not scraped"; the baseline's own spread across rounds shows the noise.
// Run with `npm run bench -- tracing [N] [rounds]`.
import { createKubeApi } from '../src/kube/client.ts';
import type { KubeApi } from '../src/kube/api.ts';
import { installCrds } from '../test/harness/crds.ts';
import { startControlPlane } from '../test/harness/kube.ts';
import { startBlackhole, startCollector } from '../test/harness/otlp.ts';
import { freePort } from '../test/harness/ports.ts';
import { median, printChart, printTable } from './report.ts';
import { compileProvider, namespace, runProvider, type ProviderResult } from './runtime-load.ts';

const n = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 3);
const reconcileRate = 500;
const scrapeEveryMs = 100;

type Tracing = 'off' | 'live' | 'blackhole';

/** Scrapes `url` every 100 ms until stopped; returns how many scrapes completed. */
function scrapeLoop(url: string): { stop(): Promise<number> } {
  const state = { scrapes: 0, running: true };
  const loop = (async () => {
    while (state.running) {
      const started = Date.now();
      try {
        await (await fetch(url)).text();
        state.scrapes += 1;
      } catch {
        // The server is not up yet, or has gone: the next tick tries again.
      }
      await new Promise((r) => setTimeout(r, Math.max(0, scrapeEveryMs - (Date.now() - started))));
    }
  })();
  return {
    async stop() {
      state.running = false;
      await loop;
      return state.scrapes;
    },
  };
}

const providerScript = compileProvider();
const plane = await startControlPlane({ unlimited: true });
const collector = await startCollector();
const blackhole = await startBlackhole();
const endpoints: Record<Tracing, string> = { off: '', live: collector.url, blackhole: blackhole.url };

let runs = 0;

interface Results {
  elapsed: number[];
  cpu: number[];
  rss: number;
  spans: number;
  scrapes: number;
}

function emptyResults(): Results {
  return { elapsed: [], cpu: [], rss: 0, spans: 0, scrapes: 0 };
}

function record(
  into: Results | undefined,
  result: ProviderResult & { scrapes: number },
  spans: number,
): void {
  if (into === undefined) return;
  into.elapsed.push(result.elapsedMs);
  into.cpu.push(result.cpuSeconds);
  into.rss = Math.max(into.rss, result.peakRssMiB);
  into.spans += spans;
  into.scrapes += result.scrapes;
}

async function measure(
  kube: KubeApi,
  tracing: Tracing,
  scraped: boolean,
): Promise<ProviderResult & { scrapes: number }> {
  const port = await freePort();
  const ns = await namespace(kube, `bench-tracing-${String(++runs)}`);
  const scraper = scraped ? scrapeLoop(`http://127.0.0.1:${String(port)}/metrics`) : undefined;
  const result = await runProvider(providerScript, kube, {
    kubeconfigPath: plane.kubeconfigPath,
    namespace: ns,
    n,
    rate: reconcileRate,
    extra: [endpoints[tracing], String(port)],
  });
  return { ...result, scrapes: (await scraper?.stop()) ?? 0 };
}

try {
  const kube = await createKubeApi({ fromString: plane.kubeconfig });
  await installCrds(kube);
  const scenarios: { tracing: Tracing; scraped: boolean; label: string }[] = [
    { tracing: 'off', scraped: false, label: 'off / not scraped' },
    { tracing: 'live', scraped: false, label: 'live receiver / not scraped' },
    { tracing: 'blackhole', scraped: false, label: 'blackhole / not scraped' },
    { tracing: 'off', scraped: true, label: 'off / scraped' },
    { tracing: 'live', scraped: true, label: 'live receiver / scraped' },
    { tracing: 'blackhole', scraped: true, label: 'blackhole / scraped' },
  ];
  const results = scenarios.map(() => emptyResults());
  for (let round = 0; round < rounds; round++) {
    for (const [i, scenario] of scenarios.entries()) {
      const spansBefore = collector.spans.length;
      const result = await measure(kube, scenario.tracing, scenario.scraped);
      record(results[i], result, collector.spans.length - spansBefore);
    }
  }
  const base = results[0];
  const baseMs = median(base?.elapsed ?? []);
  const baseCpu = median(base?.cpu ?? []);
  const rows = scenarios.map((scenario, i) => {
    const r = results[i] ?? emptyResults();
    return [
      scenario.label,
      (median(r.elapsed) / 1000).toFixed(2),
      (median(r.elapsed) / baseMs).toFixed(2),
      `${(Math.min(...r.elapsed) / baseMs).toFixed(2)}–${(Math.max(...r.elapsed) / baseMs).toFixed(2)}`,
      median(r.cpu).toFixed(2),
      (median(r.cpu) / baseCpu).toFixed(2),
      r.rss.toFixed(0),
      scenario.tracing === 'live' ? String(Math.round(r.spans / rounds)) : '-',
      scenario.scraped ? String(Math.round(r.scrapes / rounds)) : '-',
    ];
  });
  process.stdout.write(
    `${String(n)} objects to Ready, ${String(reconcileRate)} reconciles/s allowed, medians of ${String(rounds)} rounds\n`,
  );
  printTable(
    [
      'tracing / metrics',
      'to Ready s',
      'ratio',
      'ratio range',
      'CPU s',
      'CPU ratio',
      'peak RSS MiB',
      'spans/run',
      'scrapes/run',
    ],
    rows,
  );
  printChart(
    scenarios.map((scenario, i) => ({
      label: `${scenario.label}: time to Ready / off, not scraped`,
      value: median(results[i]?.elapsed ?? []) / baseMs,
    })),
  );
  process.stdout.write(`blackhole connections accepted: ${String(blackhole.connections())}\n`);
  kube.close();
} finally {
  await collector.close();
  await blackhole.close();
  await plane.stop();
}
