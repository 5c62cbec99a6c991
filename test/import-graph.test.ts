// The import-graph helpers the structure test stands on, as tables.
import test from 'ava';
import {
  buildGraph,
  findCycles,
  folderEdges,
  importSpecifiers,
  layerViolations,
  longFiles,
  mutualFolders,
  resolveImport,
  unlayeredFolders,
  type Layers,
} from './helpers/import-graph.ts';

const specifierCases: [string, string, string[]][] = [
  ['static import', "import { a } from './a.ts';", ['./a.ts']],
  ['type-only import', "import type { B } from '../b.ts';", ['../b.ts']],
  ['export from', "export { c } from './c.ts';\nexport * from './d.ts';", ['./c.ts', './d.ts']],
  ['type-only export from', "export type { E } from './e.ts';", ['./e.ts']],
  ['side-effect import', "import './f.ts';", ['./f.ts']],
  ['dynamic import with a literal', "const m = await import('./g.ts');", ['./g.ts']],
  ['import type in a type', "let h: import('./h.ts').H;", ['./h.ts']],
  ['dynamic import of a variable is not one', 'const m = await import(name);', []],
  ['a comment is not one', "// import x from './x.ts';\n/* export * from './y.ts' */", []],
  ['a string is not one', "const s = \"import z from './z.ts'\";", []],
  ['packages are kept (resolution drops them)', "import blessed from 'blessed';\nimport { x } from 'node:fs';", ['blessed', 'node:fs']],
];
for (const [title, text, expected] of specifierCases) {
  test(`importSpecifiers: ${title}`, (t) => t.deepEqual(importSpecifiers(text), expected));
}

const files = new Set(['a/x.ts', 'a/y.ts', 'b/z.ts', 'b/page.js', 'c/index.ts']);
const resolveCases: [string, string, string | undefined][] = [
  ['./y.ts', 'a/y.ts', 'a/y.ts'],
  ['../b/z.ts', 'a/x.ts', 'b/z.ts'],
  ['../b/z.js', 'a/x.ts', 'b/z.ts'],
  ['../b/page.js', 'a/x.ts', 'b/page.js'],
  ['../c', 'a/x.ts', 'c/index.ts'],
  ['./missing.ts', 'a/x.ts', undefined],
  ['blessed', 'a/x.ts', undefined],
  ['node:fs', 'a/x.ts', undefined],
];
for (const [specifier, from, expected] of resolveCases) {
  test(`resolveImport: ${specifier} from ${from}`, (t) => t.is(resolveImport(from, specifier, files), expected));
}

test('buildGraph keeps repository files only, once each', (t) => {
  const graph = buildGraph(
    new Map([
      ['a/x.ts', "import { y } from './y.ts';\nimport type { Y } from './y.ts';\nimport fs from 'node:fs';"],
      ['a/y.ts', ''],
    ]),
  );
  t.deepEqual([...graph], [
    ['a/x.ts', ['a/y.ts']],
    ['a/y.ts', []],
  ]);
});

const cycleCases: [string, Record<string, string[]>, string[][]][] = [
  ['no cycle', { 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': [] }, []],
  ['two files', { 'a.ts': ['b.ts'], 'b.ts': ['a.ts'] }, [['a.ts', 'b.ts', 'a.ts']]],
  ['a file importing itself', { 'a.ts': ['a.ts'] }, [['a.ts', 'a.ts']]],
  ['three files, shortest path printed', { 'c.ts': ['a.ts'], 'a.ts': ['b.ts'], 'b.ts': ['c.ts', 'd.ts'], 'd.ts': [] }, [['a.ts', 'b.ts', 'c.ts', 'a.ts']]],
  [
    'two separate cycles',
    { 'a.ts': ['b.ts'], 'b.ts': ['a.ts'], 'x.ts': ['y.ts'], 'y.ts': ['x.ts', 'a.ts'] },
    [
      ['a.ts', 'b.ts', 'a.ts'],
      ['x.ts', 'y.ts', 'x.ts'],
    ],
  ],
  ['a diamond is no cycle', { 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['d.ts'], 'c.ts': ['d.ts'], 'd.ts': [] }, []],
];
for (const [title, graph, expected] of cycleCases) {
  test(`findCycles: ${title}`, (t) => t.deepEqual(findCycles(new Map(Object.entries(graph))), expected));
}

const layers: Layers = { rows: [['cli'], ['relay', 'gateway'], ['stream']], anything: ['test'] };
const layerCases: [string, Record<string, string[]>, string[]][] = [
  ['downward is fine', { 'cli/a.ts': ['relay/b.ts'], 'relay/b.ts': ['stream/c.ts'], 'stream/c.ts': [] }, []],
  ['skipping a row is fine', { 'cli/a.ts': ['stream/c.ts'], 'stream/c.ts': [] }, []],
  ['upward', { 'stream/c.ts': ['relay/b.ts'], 'relay/b.ts': [] }, ['stream may not import relay (a layer above it): stream/c.ts → relay/b.ts']],
  ['peers', { 'relay/b.ts': ['gateway/d.ts'], 'gateway/d.ts': [] }, ['relay and gateway are peers and may not import each other: relay/b.ts → gateway/d.ts']],
  ['a tool imports anything', { 'test/t.ts': ['cli/a.ts', 'stream/c.ts'], 'cli/a.ts': [], 'stream/c.ts': [] }, []],
  ['nothing imports a tool', { 'relay/b.ts': ['test/t.ts'], 'test/t.ts': [] }, ['relay may not import test (a tool folder): relay/b.ts → test/t.ts']],
  ['inside one folder is not a layer question', { 'relay/b.ts': ['relay/e.ts'], 'relay/e.ts': [] }, []],
];
for (const [title, graph, expected] of layerCases) {
  test(`layerViolations: ${title}`, (t) => t.deepEqual(layerViolations(folderEdges(new Map(Object.entries(graph))), layers), expected));
}

test('mutualFolders names each pair once', (t) => {
  const graph = new Map(Object.entries({ 'a/x.ts': ['b/y.ts'], 'b/y.ts': ['a/z.ts'], 'a/z.ts': [], 'c/w.ts': ['a/x.ts'] }));
  t.deepEqual(mutualFolders(folderEdges(graph)), ['a ↔ b']);
});

test('unlayeredFolders names the folders without a row', (t) => {
  t.deepEqual(unlayeredFolders(['cli', 'agent', 'test', 'relay'], layers), ['agent']);
});

const lengthCases: [string, string, number, string[]][] = [
  ['at the limit', 'a\nb\nc\n', 3, []],
  ['over the limit', 'a\nb\nc\nd\n', 3, ['f.ts (4 lines)']],
  ['no final newline', 'a\nb\nc\nd', 3, ['f.ts (4 lines)']],
  ['empty', '', 0, []],
];
for (const [title, text, max, expected] of lengthCases) {
  test(`longFiles: ${title}`, (t) => t.deepEqual(longFiles(new Map([['f.ts', text]]), max), expected));
}
