// Writes the CRDs generated from src/apis: crds/ (the provider's kinds) and package/function/input/ (the
// composition function's Input). With --check it only reports whether they are up to date (exit 1 when a file
// differs, is missing, or is left over from a kind that no longer exists).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { group } from '../src/apis/common.ts';
import { crdFileName, renderAllCrds, renderCrd } from '../src/apis/crd.ts';
import { functionInputDefinition, functionInputGroup } from '../src/apis/function-input.ts';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');

const targets = [
  { dir: join(root, 'crds'), prefix: `${group}_`, wanted: renderAllCrds() },
  {
    dir: join(root, 'package', 'function', 'input'),
    prefix: `${functionInputGroup}_`,
    wanted: new Map([[crdFileName(functionInputDefinition), renderCrd(functionInputDefinition)]]),
  },
];

for (const { dir, prefix, wanted } of targets) {
  const shown = relative(root, dir);
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(prefix)) : [];
  const leftOver = present.filter((f) => !wanted.has(f));
  const differing = [...wanted].filter(([file, text]) => {
    const path = join(dir, file);
    return !existsSync(path) || readFileSync(path, 'utf8') !== text;
  });
  if (check) {
    for (const [file] of differing) console.error(`${shown}/${file} is stale or missing`);
    for (const file of leftOver) console.error(`${shown}/${file} belongs to no kind`);
    if (differing.length + leftOver.length > 0) {
      console.error('run: npm run generate:crds');
      process.exitCode = 1;
    }
  } else {
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of differing) writeFileSync(join(dir, file), text);
    for (const file of leftOver) rmSync(join(dir, file));
    console.log(
      `${shown}/: ${String(differing.length)} written, ${String(leftOver.length)} removed, ${String(wanted.size)} total`,
    );
  }
}
