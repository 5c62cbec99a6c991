#!/usr/bin/env node
// `npm run build` (and `npm install`, through `prepare`): compile the TypeScript sources into
// dist/ with tsc, copy the files that are not TypeScript (the listening page's HTML, CSS and
// script) beside them, and give dist/ the package's name and version. The build goes to a
// scratch directory and replaces dist/ only once it succeeded, so a failed build never leaves a
// half-written or partly stale tree behind.
//
// A production install (`npm ci --omit=dev`) has no typescript: `prepare` still runs, and then
// keeps the dist/ that is already there (built before, or shipped with the tree).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const scratch = join(root, '.dist-build');

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  if (existsSync(join(dist, 'cli', 'main.js'))) {
    console.log('icegate build: typescript is not installed (production install); using the existing dist/');
    process.exit(0);
  }
  console.error('icegate build: no dist/ and no typescript to build it: run "npm install" with dev dependencies, or copy a built dist/ in');
  process.exit(1);
}

rmSync(scratch, { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', scratch], { stdio: 'inherit' });
if (run.status !== 0) {
  rmSync(scratch, { recursive: true, force: true });
  console.error('icegate build: tsc failed; dist/ is unchanged');
  process.exit(run.status ?? 1);
}

// Everything in the compiled directories that tsc does not emit: read at run time beside the
// module that uses it (new URL(file, import.meta.url)). Every directory tsc wrote to counts, also
// one reached only through an import.
let assets = 0;
const copyAssets = (out) => {
  const source = join(root, relative(scratch, out));
  for (const name of readdirSync(out)) if (statSync(join(out, name)).isDirectory()) copyAssets(join(out, name));
  if (out === scratch || !existsSync(source)) return;
  for (const name of readdirSync(source)) {
    const path = join(source, name);
    if (name.endsWith('.ts') || !statSync(path).isFile()) continue;
    cpSync(path, join(out, name));
    assets += 1;
  }
};
copyAssets(scratch);

// Modules read the package's version from '../package.json' relative to themselves, which in
// dist/ is this file; "type": "module" also keeps dist/ ES modules wherever it is copied.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(join(scratch, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', private: true }, null, 2)}\n`);

rmSync(dist, { recursive: true, force: true });
renameSync(scratch, dist);
console.log(`icegate build: dist/ (${assets} assets copied)`);
