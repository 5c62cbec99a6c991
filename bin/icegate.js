#!/usr/bin/env node
// The `icegate` command. icegate is TypeScript run by tsx without a build step, so the loader
// is registered before the first .ts module is imported.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
// exitCode, not exit(): a running relay keeps the process alive until it is stopped.
process.exitCode = await main(process.argv.slice(2));
