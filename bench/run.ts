// `npm run bench [-- <name> [args…]]`: runs one benchmark by name, or all of them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benchmarks: Record<string, string> = {
  runtime: './runtime.ts',
  sql: './sql.ts',
  scrape: './scrape.ts',
  tracing: './tracing.ts',
  function: './function.ts',
};

const [name, ...args] = process.argv.slice(2);
const selected = name === undefined ? Object.keys(benchmarks) : [name];
for (const bench of selected) {
  const file = benchmarks[bench];
  if (file === undefined) {
    process.stderr.write(`unknown benchmark '${bench}'; known: ${Object.keys(benchmarks).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`== ${bench}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
