// Where a key path sits in the YAML text, and what is wrong with the text before any value is
// checked: syntax errors, duplicate keys, keys that are not plain names, dangling aliases.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, visit, type Document, type LineCounter } from 'yaml';
import type { PathSegment, Problem } from './errors.ts';

export interface LocatedProblem extends Problem {
  line: number | null;
}

type Occurrence = 'first' | 'last';

function keyName(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function lineAt(lines: LineCounter, node: unknown): number | null {
  if (!isNode(node) || node.range == null) return null;
  return lines.linePos(node.range[0]).line;
}

/** The child at `segment`: the node whose line names it (a map's key, a list's item) and its value. */
function childOf(
  doc: Document,
  node: unknown,
  segment: PathSegment,
  occurrence: Occurrence,
): { at: unknown; value: unknown } | undefined {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (isMap(target)) {
    const matches = target.items.filter((pair) => keyName(pair.key) === String(segment));
    const pair = occurrence === 'first' ? matches[0] : matches[matches.length - 1];
    return pair && { at: pair.key, value: pair.value };
  }
  if (isSeq(target) && typeof segment === 'number') {
    const item = target.items[segment];
    return item === undefined ? undefined : { at: item, value: item };
  }
  return undefined;
}

/**
 * The 1-based line of the key at `path`, or of its nearest ancestor present in the file (a key
 * that was left out takes the line of the section it belongs in); null at the top level.
 * Of duplicated keys the last counts, as in the parsed value, unless `occurrence` says otherwise.
 */
export function lineOf(
  doc: Document,
  lines: LineCounter,
  path: readonly PathSegment[],
  occurrence: Occurrence = 'last',
): number | null {
  let node: unknown = doc.contents;
  let line: number | null = null;
  for (const segment of path) {
    const child = childOf(doc, node, segment, occurrence);
    if (child === undefined) break;
    line = lineAt(lines, child.at) ?? line;
    node = child.value;
  }
  return line;
}

function contains(node: unknown, offset: number): boolean {
  return isNode(node) && node.range != null && node.range[0] <= offset && offset < node.range[2];
}

/** The key path of the key or value that covers `offset` (e.g. where the parser reported an error). */
export function pathAtOffset(doc: Document, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (contains(pair.key, offset)) return [...path, keyName(pair.key)];
        if (contains(pair.value, offset)) {
          path.push(keyName(pair.key));
          next = pair.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => contains(item, offset));
      if (index >= 0) {
        path.push(index);
        next = node.items[index];
      }
    }
    if (next === undefined) return path;
    node = next;
  }
}

/** Every problem of the text itself; the values are only worth checking when this is empty. */
export function documentProblems(doc: Document, lines: LineCounter): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const offset = error.pos[0];
    const line = lines.linePos(offset).line;
    if (error.code === 'DUPLICATE_KEY') {
      const path = pathAtOffset(doc, offset);
      const first = lineOf(doc, lines, path, 'first');
      const message = first === null ? 'duplicate key' : `duplicate key (first set on line ${first})`;
      problems.push({ path, line, message });
    } else if (!problems.some((p) => p.line === line && p.path.length === 0)) {
      // One syntax slip often trips several parser rules on the same line; the first one says it.
      problems.push({ path: [], line, message: `invalid YAML: ${error.message}` });
    }
  }
  visit(doc, {
    Pair(_key, pair) {
      if (isPair(pair) && isNode(pair.key) && !isScalar(pair.key)) {
        const message = 'invalid YAML: keys must be plain names, not lists or mappings';
        problems.push({ path: [], line: lineAt(lines, pair.key), message });
      }
    },
    Alias(_key, alias) {
      if (alias.resolve(doc) === undefined) {
        const message = `invalid YAML: alias *${alias.source} has no anchor before it`;
        problems.push({ path: [], line: lineAt(lines, alias), message });
      }
    },
  });
  return problems;
}
