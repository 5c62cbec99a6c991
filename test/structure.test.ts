// The layering holds: walk every source file's imports and fail on a file-level import cycle, on
// two top-level folders importing each other, on an import against the layer order below, and on
// a source file over 350 lines. docs/ARCHITECTURE.md draws the same table: it must name every
// folder, and every source file it names must exist.
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildGraph,
  findCycles,
  folderEdges,
  importSpecifiers,
  layerViolations,
  longFiles,
  mutualFolders,
  unlayeredFolders,
  type Layers,
} from './helpers/import-graph.ts';

/**
 * Downward only: a row may import the rows below it. Folders in one row are peers and never
 * import each other. A new top-level folder with sources fails the test until it has a row here.
 */
const layers: Layers = {
  rows: [
    ['bin'], //                                       the `icegate` command
    ['cli'], //                                       one file per command
    ['supervisor', 'tui', 'relay', 'gateway', 'agent'], // the processes, the dashboard, the push agent
    ['policies'], //                                  pure decisions
    ['stream'], //                                    the engine both servers stand on
    ['contracts'], //                                 the messages between processes: types + validators
    ['config'], //                                    gateway.yaml: schema, load, secrets
  ],
  anything: ['test', 'bench', 'scripts'],
};

const MAX_LINES = 350;
/** Folders whose files are tools, not the product: walked for cycles, not held to MAX_LINES. */
const NOT_HELD_TO_LENGTH = new Set(['test', 'bench']);

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIPPED = new Set(['node_modules', 'dist', 'docs']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.isFile() && SOURCE.test(entry.name) && dir !== root ? [path] : [];
  });
}

const sources = new Map(
  sourceFiles(root).map((path) => [relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8')] as const),
);
const graph = buildGraph(sources);
const edges = folderEdges(graph);
const folders = new Set([...sources.keys()].map((path) => path.split('/')[0]!));

test('the walk finds the sources of every layer', (t) => {
  for (const folder of layers.rows.flat()) t.true(folders.has(folder), `no sources found in ${folder}/`);
  t.true(graph.get('bin/icegate.js')?.includes('cli/main.ts'), 'bin/icegate.js imports cli/main.ts dynamically');
});

test('every top-level folder with sources has a layer', (t) => {
  t.deepEqual(unlayeredFolders(folders, layers), [], 'give the new folder a row in the layers table of test/structure.test.ts (and docs/ARCHITECTURE.md)');
});

test('no file-level import cycle', (t) => {
  const cycles = findCycles(graph).map((cycle) => cycle.join(' → '));
  t.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`);
});

test('no two top-level folders import each other', (t) => {
  t.deepEqual(mutualFolders(edges), []);
});

test('imports follow the layer order', (t) => {
  const violations = layerViolations(edges, layers);
  t.deepEqual(violations, [], violations.join('\n'));
});

test(`no source file over ${MAX_LINES} lines`, (t) => {
  const held = new Map([...sources].filter(([path]) => !NOT_HELD_TO_LENGTH.has(path.split('/')[0]!)));
  const long = longFiles(held, MAX_LINES);
  t.deepEqual(long, [], `split these files:\n${long.join('\n')}`);
});

/** Unmaintained dependencies, each behind one adapter so it can be replaced in one place. */
const ADAPTERS: Record<string, string> = {
  blessed: 'tui/screen.ts', // frozen since 2016
  'http-proxy': 'gateway/forward/proxy.ts', // unmaintained, with known faults taken out there
};

for (const [dependency, adapter] of Object.entries(ADAPTERS)) {
  test(`only ${adapter} imports ${dependency}`, (t) => {
    const importers = [...sources]
      .filter(([path]) => !layers.anything.includes(path.split('/')[0]!))
      .filter(([, text]) => importSpecifiers(text).some((specifier) => specifier === dependency || specifier.startsWith(`${dependency}/`)))
      .map(([path]) => path);
    t.deepEqual(importers, [adapter]);
  });
}

const architecture = readFileSync(join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');

test('docs/ARCHITECTURE.md names every top-level folder', (t) => {
  const unnamed = [...folders].filter((folder) => !architecture.includes(`\`${folder}/\``)).sort();
  t.deepEqual(unnamed, [], 'add a row for each to the folder table of docs/ARCHITECTURE.md');
});

test('every source file docs/ARCHITECTURE.md names exists', (t) => {
  const named = [...architecture.matchAll(/`([a-z-]+\/[\w./-]+\.(?:ts|js))`/g)].map((match) => match[1]!);
  t.true(named.length > 20, 'the walk-throughs name files');
  t.deepEqual(named.filter((path) => !existsSync(join(root, path))), []);
});
