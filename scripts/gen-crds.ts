// Writes crds/ from the schemas in src/apis, or with --check only reports whether crds/ is up to date (exit 1
// when a file differs, is missing, or is left over from a kind that no longer exists).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { group } from '../src/apis/common.ts';
import { renderAllCrds } from '../src/apis/crd.ts';

const dir = join(import.meta.dirname, '..', 'crds');
const check = process.argv.includes('--check');

const wanted = renderAllCrds();
const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(`${group}_`)) : [];
const leftOver = present.filter((f) => !wanted.has(f));
const differing = [...wanted].filter(([file, text]) => {
  const path = join(dir, file);
  return !existsSync(path) || readFileSync(path, 'utf8') !== text;
});

if (check) {
  for (const [file] of differing) console.error(`crds/${file} is stale or missing`);
  for (const file of leftOver) console.error(`crds/${file} belongs to no kind`);
  if (differing.length + leftOver.length > 0) {
    console.error('run: npm run generate:crds');
    process.exitCode = 1;
  }
} else {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of differing) writeFileSync(join(dir, file), text);
  for (const file of leftOver) rmSync(join(dir, file));
  console.log(
    `crds/: ${String(differing.length)} written, ${String(leftOver.length)} removed, ${String(wanted.size)} total`,
  );
}
