// The import graph of the sources, as pure functions over file names and texts, so the structure
// test (test/structure.test.ts) reads as its rules and this file has its own table test.
//
// An import is every module specifier a file names: static imports (type-only ones too: they tie
// the files' meaning together), `export … from`, side-effect imports, and `import('…')` with a
// string literal, in code or in a type. TypeScript's own pre-processor finds them, so a
// specifier inside a comment or an ordinary string is not one.
import ts from 'typescript';
import { posix } from 'node:path';

/** The module specifiers a source text imports, in order of appearance. */
export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/**
 * The repository file a specifier names, or undefined for a package (`node:fs`, `blessed`) or a
 * file that is not one of `files`. `from` and the result are repository-relative POSIX paths.
 * A `.js` specifier also finds the `.ts` file it is compiled from.
 */
export function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [target, target.replace(/\.(m?)js$/, '.$1ts'), `${target}.ts`, `${target}/index.ts`];
  return candidates.find((candidate) => files.has(candidate));
}

export type Graph = ReadonlyMap<string, readonly string[]>;

/** The graph of `sources` (path → text): each file to the repository files it imports. */
export function buildGraph(sources: ReadonlyMap<string, string>): Map<string, string[]> {
  const files = new Set(sources.keys());
  const graph = new Map<string, string[]>();
  for (const [path, text] of sources) {
    const targets = importSpecifiers(text)
      .map((specifier) => resolveImport(path, specifier, files))
      .filter((target): target is string => target !== undefined);
    graph.set(path, [...new Set(targets)]);
  }
  return graph;
}

/**
 * One cycle per strongly connected group of files (Tarjan), each as a path that starts and ends
 * at its alphabetically first file: `['a.ts', 'b.ts', 'a.ts']`. A file importing itself is one.
 */
export function findCycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.map((group) => cycleThrough(graph, new Set(group))).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A shortest cycle inside one strongly connected group, from its first file back to it. */
function cycleThrough(graph: Graph, group: ReadonlySet<string>): string[] {
  const start = [...group].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of [...(graph.get(node) ?? [])].sort()) {
      if (!group.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

/** The top-level folder of a repository-relative path. */
export function folderOf(path: string): string {
  return path.split('/')[0]!;
}

export interface FolderEdge {
  from: string;
  to: string;
  /** one file-level import that makes the edge, for the message */
  example: string;
}

/** Imports between different top-level folders, one edge per pair, with one example import. */
export function folderEdges(graph: Graph): FolderEdge[] {
  const edges = new Map<string, FolderEdge>();
  for (const [path, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    for (const target of targets) {
      const from = folderOf(path);
      const to = folderOf(target);
      const key = `${from}→${to}`;
      if (from !== to && !edges.has(key)) edges.set(key, { from, to, example: `${path} → ${target}` });
    }
  }
  return [...edges.values()];
}

/** Pairs of top-level folders that import each other, each pair once, as `a ↔ b`. */
export function mutualFolders(edges: readonly FolderEdge[]): string[] {
  const present = new Set(edges.map((edge) => `${edge.from}→${edge.to}`));
  return edges
    .filter((edge) => edge.from < edge.to && present.has(`${edge.to}→${edge.from}`))
    .map((edge) => `${edge.from} ↔ ${edge.to}`);
}

/**
 * The layer order: earlier rows may import later rows, never the other way, and folders in the
 * same row never import each other. Folders in `anything` (tools: tests, benchmarks, scripts)
 * may import every folder, and no layer may import them.
 */
export interface Layers {
  rows: readonly (readonly string[])[];
  anything: readonly string[];
}

/** The folder edges the layer order forbids, as messages. */
export function layerViolations(edges: readonly FolderEdge[], layers: Layers): string[] {
  const rank = new Map<string, number>();
  layers.rows.forEach((row, at) => row.forEach((folder) => rank.set(folder, at)));
  const tools = new Set(layers.anything);
  const violations: string[] = [];
  for (const edge of edges) {
    if (tools.has(edge.from)) continue;
    const from = rank.get(edge.from);
    const to = rank.get(edge.to);
    if (tools.has(edge.to)) violations.push(`${edge.from} may not import ${edge.to} (a tool folder): ${edge.example}`);
    else if (from === undefined || to === undefined) continue; // an unlayered folder is reported on its own
    else if (from === to) violations.push(`${edge.from} and ${edge.to} are peers and may not import each other: ${edge.example}`);
    else if (from > to) violations.push(`${edge.from} may not import ${edge.to} (a layer above it): ${edge.example}`);
  }
  return violations;
}

/** The folders that hold sources but have no place in the layer order. */
export function unlayeredFolders(folders: Iterable<string>, layers: Layers): string[] {
  const known = new Set([...layers.rows.flat(), ...layers.anything]);
  return [...folders].filter((folder) => !known.has(folder)).sort();
}

/** The files longer than `max` lines, as `path (N lines)`, longest first. */
export function longFiles(sources: ReadonlyMap<string, string>, max: number): string[] {
  return [...sources]
    .map(([path, text]) => ({ path, lines: lineCount(text) }))
    .filter((file) => file.lines > max)
    .sort((a, b) => b.lines - a.lines || a.path.localeCompare(b.path))
    .map((file) => `${file.path} (${file.lines} lines)`);
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
