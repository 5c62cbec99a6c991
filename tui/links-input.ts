// What an operator types to make a link, in the dashboard's form and on `icegate link create`:
// a label, a mount, a lifetime ("7d", "24h", "30m", "3600") and an optional limit of players at
// once. Checked here against the bounds of contracts/links.ts so a mistake is named before
// anything is sent; the control API checks the same bounds again.
import { LINK_LABEL_MAX, LINK_MAX_LISTENERS_MAX, LINK_TTL_MAX_SECONDS, LINK_TTL_MIN_SECONDS, type LinkCreateRequest } from '../contracts/links.ts';
import { isMount } from '../policies/classify.ts';
import { parseDuration } from './ban-input.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** A lifetime in seconds: "90" (seconds), "30m", "24h", "7d", within the API's bounds. */
export function parseLifetime(text: string): Parsed<number> {
  const seconds = parseDuration(text.trim());
  if (seconds === undefined || seconds === null) return fail(`"${text.trim()}" is not a lifetime: 3600, 30m, 24h or 7d`);
  if (seconds < LINK_TTL_MIN_SECONDS) return fail(`a link lives at least ${LINK_TTL_MIN_SECONDS / 60} minute`);
  if (seconds > LINK_TTL_MAX_SECONDS) return fail(`a link lives at most ${LINK_TTL_MAX_SECONDS / 86400} days`);
  return { ok: true, value: seconds };
}

/** Players at once: empty means no limit beyond the mount's (null). */
export function parseMaxListeners(text: string): Parsed<number | null> {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (!/^\d{1,6}$/.test(t) || Number(t) < 1 || Number(t) > LINK_MAX_LISTENERS_MAX) return fail(`players at once: a number from 1 to ${LINK_MAX_LISTENERS_MAX}, or empty for no limit`);
  return { ok: true, value: Number(t) };
}

/** The label as it will be kept: trimmed, 1 to LINK_LABEL_MAX characters, no control characters. */
export function parseLabel(text: string): Parsed<string> {
  const label = text.trim();
  if (label === '') return fail('a link needs a label, e.g. "Grandma Rose"');
  if ([...label].length > LINK_LABEL_MAX) return fail(`a label has at most ${LINK_LABEL_MAX} characters`);
  // C0, DEL and C1 controls, line and paragraph separators, as the API refuses them (docs/links.md#labels).
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(label)) return fail('a label cannot hold control characters');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(label)) return fail('a label cannot hold half a character (a lone UTF-16 surrogate)');
  return { ok: true, value: label };
}

export function parseMount(text: string): Parsed<string> {
  const mount = text.trim();
  return isMount(mount) ? { ok: true, value: mount } : fail(`"${mount}" is not a mount such as /live.mp3`);
}

export interface LinkFields {
  label: string;
  mount: string;
  lifetime: string;
  players: string;
}

export type FieldId = keyof LinkFields;

/** The request the fields make, or the first field that is wrong and why. */
export function linkRequest(fields: LinkFields): { ok: true; request: LinkCreateRequest } | { ok: false; field: FieldId; error: string } {
  const label = parseLabel(fields.label);
  if (!label.ok) return { ok: false, field: 'label', error: label.error };
  const mount = parseMount(fields.mount);
  if (!mount.ok) return { ok: false, field: 'mount', error: mount.error };
  const ttl = parseLifetime(fields.lifetime);
  if (!ttl.ok) return { ok: false, field: 'lifetime', error: ttl.error };
  const players = parseMaxListeners(fields.players);
  if (!players.ok) return { ok: false, field: 'players', error: players.error };
  return { ok: true, request: { mount: mount.value, label: label.value, ttlSeconds: ttl.value, maxListeners: players.value } };
}

/** The words a refusal code of the control API (contracts/links.ts) is explained with. */
export function refusalWords(code: string): string | null {
  switch (code) {
    case 'bad-request':
      return 'the control API refused the label, lifetime or limit';
    case 'unknown-mount':
      return 'no such mount in the configuration';
    case 'mount-not-token':
      return 'this mount does not take links: set "auth: token" on it in gateway.yaml and reload';
    case 'too-many-links':
      return 'the server keeps at most 10000 links; revoked and expired ones are dropped a week after they expire';
    case 'unknown-link':
      return 'no link has this id (icegate link list shows them)';
    case 'read-only':
      return 'the control API is read-only';
    case 'not-found':
      return 'this icegate start does not know links yet (restart it with this version)';
    default:
      return null;
  }
}
