// The keys the schema allows at a key path, so an unknown key can be answered with the one the
// operator probably meant (Icecast's `queue-size` is our `queueSize`).
import { z } from 'zod';
import type { PathSegment } from './errors.ts';

type AnySchema = z.core.$ZodType;

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  while (
    s instanceof z.ZodDefault ||
    s instanceof z.ZodPrefault ||
    s instanceof z.ZodNullable ||
    s instanceof z.ZodOptional
  ) {
    s = s.unwrap();
  }
  return s;
}

function step(schema: AnySchema, segment: PathSegment): AnySchema | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return typeof segment === 'string' ? s.shape[segment] : undefined;
  if (s instanceof z.ZodRecord) return s.valueType;
  if (s instanceof z.ZodArray) return typeof segment === 'number' ? s.element : undefined;
  return undefined;
}

/** The keys of the object schema at `path`, or [] if there is no object there. */
export function knownKeysAt(schema: AnySchema, path: readonly PathSegment[]): string[] {
  let s: AnySchema | undefined = schema;
  for (const segment of path) {
    s = step(s, segment);
    if (s === undefined) return [];
  }
  const target = unwrap(s);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

/** Optimal string alignment distance: a swap of two neighbouring letters is one typo, not two. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.length, b.length);
}

const normalise = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The known key an unknown one most likely meant: the same letters ignoring case and `-`/`_`,
 * or a typo (one edit per three letters, at most two), so short keys do not match at random.
 */
export function suggestKey(unknown: string, known: readonly string[]): string | null {
  const wanted = normalise(unknown);
  const exact = known.find((k) => normalise(k) === wanted);
  if (exact !== undefined) return exact;
  let best: string | null = null;
  let bestDistance = Math.min(2, Math.floor(wanted.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(wanted, normalise(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
