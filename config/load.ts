// The only reader of gateway.yaml: strict YAML → schema (defaults, types, ranges) → cross-field
// rules → resolved paths → deep freeze. Every problem comes back with its key path and line;
// nothing is thrown, so a supervisor can keep the old config running on a bad edit.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { configSchema, type Config } from './schema.ts';
import { formatKeyPath, type ConfigError, type Problem } from './errors.ts';
import { describeIssue, problemsFromIssues } from './issues.ts';
import { documentProblems, lineOf, type LocatedProblem } from './yaml-lines.ts';
import { crossFieldProblems } from './validate.ts';

export type ParseResult = { ok: true; config: Config } | { ok: false; errors: ConfigError[] };
export type LoadResult = ParseResult & { path: string };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function failure(fileName: string, problems: LocatedProblem[]): ParseResult {
  const errors = problems.map((p) => ({
    file: fileName,
    keyPath: formatKeyPath(p.path),
    line: p.line,
    message: p.message,
  }));
  // Whole-file errors first, then top to bottom as the operator reads the file.
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { ok: false, errors };
}

/** Paths in the file are relative to the file's directory, not to wherever icegate was started. */
function finish(config: Config, baseDir: string): Config {
  const mounts = Object.fromEntries(
    Object.entries(config.relay.mounts).map(([name, m]) => [name, m.file ? { ...m, file: resolve(baseDir, m.file) } : m]),
  );
  return deepFreeze({ ...config, stateDir: resolve(baseDir, config.stateDir), relay: { ...config.relay, mounts } });
}

/**
 * Validates config text. `fileName` is only used in messages; `baseDir` is what a relative
 * `stateDir` is resolved against (the config file's directory).
 */
export function parseConfigText(text: string, fileName: string, baseDir: string = process.cwd()): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const textProblems = documentProblems(doc, lines);
  if (textProblems.length > 0) return failure(fileName, textProblems);

  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    return failure(fileName, [{ path: [], line: null, message: `invalid YAML: ${(error as Error).message}` }]);
  }

  const parsed = configSchema.safeParse(input, { error: (issue) => describeIssue(issue) });
  const locate = (problems: Problem[]): LocatedProblem[] => problems.map((p) => ({ ...p, line: lineOf(doc, lines, p.path) }));
  if (!parsed.success) return failure(fileName, locate(problemsFromIssues(parsed.error.issues, configSchema)));
  const crossField = crossFieldProblems(parsed.data);
  if (crossField.length > 0) return failure(fileName, locate(crossField));
  return { ok: true, config: finish(parsed.data, baseDir) };
}

function describeReadError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'cannot read the file: it does not exist';
    case 'EACCES':
      return 'cannot read the file: permission denied';
    case 'EISDIR':
      return 'cannot read the file: it is a directory';
    default:
      return `cannot read the file: ${error.message}`;
  }
}

/** Reads and validates a config file; `path` appears in every error exactly as given. */
export async function loadConfig(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const message = describeReadError(error as NodeJS.ErrnoException);
    return { ok: false, errors: [{ file: path, keyPath: '', line: null, message }], path };
  }
  return { ...parseConfigText(text, path, dirname(resolve(path))), path };
}

/** The built-in defaults (what an empty gateway.yaml means), with `stateDir` resolved against `baseDir`. */
export function defaultConfig(baseDir: string = process.cwd()): Config {
  return finish(configSchema.parse({}), baseDir);
}
