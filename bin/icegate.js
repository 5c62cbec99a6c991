#!/usr/bin/env node
// The `icegate` command: plain node running the JavaScript that `npm run build` compiles into
// dist/ (`npm install` runs the build). Nothing compiles TypeScript at run time.
//
// ICEGATE_SOURCES=1 runs the TypeScript sources through tsx (a devDependency) instead. The test
// suite sets it, so tests never exercise a stale dist/; every process started from here inherits
// it (the supervisor starts its components through this file), so a whole stack runs one tree.
import { existsSync } from 'node:fs';

let main;
if (process.env.ICEGATE_SOURCES === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
} else {
  const built = new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(built)) {
    process.stderr.write('icegate is not built: run "npm run build" (or "npm install") in the icegate directory\n');
    process.exit(1);
  }
  ({ main } = await import(built.href));
}
// exitCode, not exit(): a running relay keeps the process alive until it is stopped.
process.exitCode = await main(process.argv.slice(2));
