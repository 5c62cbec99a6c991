// POST /v1/links bodies, checked before anything is made (contracts/links.ts): the mount's name,
// the label within LINK_LABEL_MAX characters with no control character (C0, DEL, C1: terminal
// escapes included), no line or paragraph separator and no lone surrogate, the lifetime and the
// player limit within their bounds. Pure: the answer is the request or a ControlError.
import { isMount } from '../../policies/classify.ts';
import { LINK_LABEL_MAX, LINK_MAX_LISTENERS_MAX, LINK_TTL_MAX_SECONDS, LINK_TTL_MIN_SECONDS, type LinkCreateRequest } from '../../contracts/links.ts';
import { ControlError } from '../errors.ts';

/** C0 and C1 controls and DEL (\p{Cc}), and the Unicode line and paragraph separators. */
const FORBIDDEN = /[\p{Cc}\u2028\u2029]/u;
/** Half a UTF-16 pair: JSON can carry one, UTF-8 cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `label` cannot be stored, or null when it can. */
export function labelProblem(label: unknown): string | null {
  if (typeof label !== 'string') return 'label must be a string';
  if (label.trim() === '') return 'label must not be empty';
  if ([...label].length > LINK_LABEL_MAX) return `label must be at most ${LINK_LABEL_MAX} characters`;
  if (FORBIDDEN.test(label)) return 'label must not contain control characters';
  if (LONE_SURROGATE.test(label)) return 'label must be valid Unicode text';
  return null;
}

export interface LinkRequest {
  mount: string;
  label: string;
  ttlSeconds: number;
  maxListeners: number | null;
}

/** The request in `body`, or a ControlError bad-request naming the first field that is wrong. */
export function parseLinkRequest(body: Record<string, unknown>): LinkRequest {
  const bad = (message: string): never => {
    throw new ControlError('bad-request', message);
  };
  const known = new Set<string>(['mount', 'label', 'ttlSeconds', 'maxListeners'] satisfies (keyof LinkCreateRequest)[]);
  for (const key of Object.keys(body)) if (!known.has(key)) bad(`unknown field ${JSON.stringify(key.slice(0, 40))}`);
  const { mount, label, ttlSeconds, maxListeners = null } = body;
  if (typeof mount !== 'string' || !isMount(mount)) bad('mount must be a mount name such as /live.mp3');
  const problem = labelProblem(label);
  if (problem !== null) bad(problem);
  if (typeof ttlSeconds !== 'number' || !Number.isSafeInteger(ttlSeconds) || ttlSeconds < LINK_TTL_MIN_SECONDS || ttlSeconds > LINK_TTL_MAX_SECONDS) {
    bad(`ttlSeconds must be a whole number of seconds from ${LINK_TTL_MIN_SECONDS} to ${LINK_TTL_MAX_SECONDS}`);
  }
  if (maxListeners !== null && (typeof maxListeners !== 'number' || !Number.isSafeInteger(maxListeners) || maxListeners < 1 || maxListeners > LINK_MAX_LISTENERS_MAX)) {
    bad(`maxListeners must be a whole number from 1 to ${LINK_MAX_LISTENERS_MAX}, or null for no limit`);
  }
  return { mount: mount as string, label: label as string, ttlSeconds: ttlSeconds as number, maxListeners: maxListeners as number | null };
}
