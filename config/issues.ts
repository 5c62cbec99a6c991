// Zod issues → operator-facing problems. Messages state the rule in the config's own terms
// ("must be at least 16384"), not the validator's ("Too small: expected number to be >=16384").
import type { z } from 'zod';
import type { PathSegment, Problem } from './errors.ts';
import { knownKeysAt, suggestKey } from './schema-keys.ts';

/** The fields of a zod issue the messages use; both raw issues (error map) and final ones fit. */
export interface IssueLike {
  code: string;
  input?: unknown;
  expected?: unknown;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  values?: readonly unknown[];
  divisor?: number | bigint;
}

const typeNames: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** YAML 1.1 booleans that YAML 1.2 (and so the `yaml` package) reads as plain text. */
const yaml11Booleans = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);

function hint(expected: unknown, input: unknown): string {
  if (input === null) return ' (the value is empty)';
  if (expected === 'boolean' && typeof input === 'string' && yaml11Booleans.has(input.toLowerCase())) {
    return ` (YAML 1.2 reads ${input} as text)`;
  }
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
    return ' (put it in quotes)';
  }
  return '';
}

function describeSize(issue: IssueLike, bound: number | bigint, atLeast: boolean): string {
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string') {
    if (atLeast && bound === 1) return 'must not be empty';
    return `must be at ${atLeast ? 'least' : 'most'} ${bound} characters long`;
  }
  if (issue.origin === 'array') return `must have at ${atLeast ? 'least' : 'most'} ${bound} entries`;
  if (atLeast) return inclusive ? `must be at least ${bound}` : `must be greater than ${bound}`;
  return inclusive ? `must be at most ${bound}` : `must be less than ${bound}`;
}

/**
 * The message for one issue, or undefined to keep zod's. Used as zod's per-parse error map, so a
 * message written into the schema itself still wins.
 */
export function describeIssue(issue: IssueLike): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const name = typeof issue.expected === 'string' ? typeNames[issue.expected] : undefined;
      return `must be ${name ?? String(issue.expected)}${hint(issue.expected, issue.input)}`;
    }
    case 'too_small':
      return issue.minimum === undefined ? undefined : describeSize(issue, issue.minimum, true);
    case 'too_big':
      return issue.maximum === undefined ? undefined : describeSize(issue, issue.maximum, false);
    case 'invalid_format':
      if (issue.format === 'url') return 'must be a URL such as http://host.example:8000/live.mp3';
      if (issue.format === 'regex') return 'has an invalid format';
      return `must be a valid ${issue.format ?? 'value'}`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'not_multiple_of':
      return issue.divisor === undefined ? undefined : `must be a multiple of ${issue.divisor}`;
    case 'invalid_union':
      return 'has an invalid value';
    default:
      return undefined;
  }
}

const segments = (path: readonly PropertyKey[]): PathSegment[] =>
  path.map((p) => (typeof p === 'number' ? p : String(p)));

/**
 * One problem per offending key. An unknown key is reported at its own path (not its parent's),
 * with the known key it most likely meant; a bad record key (a mount name) at the key itself.
 */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = segments(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, path);
      for (const key of issue.keys) {
        const suggestion = suggestKey(key, known);
        const message = suggestion === null ? 'unknown key' : `unknown key (did you mean ${suggestion}?)`;
        problems.push({ path: [...path, key], message });
      }
    } else if (issue.code === 'invalid_key') {
      for (const inner of issue.issues) problems.push({ path, message: `name ${inner.message}` });
    } else {
      problems.push({ path, message: issue.message });
    }
  }
  return problems;
}
