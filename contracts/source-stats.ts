// A live source as the relay reports it to the supervisor (the `sources` part of its `snapshot`
// answer), and the silence report an `icegate push` agent sends the server (docs/push.md#silence-on-the-server):
//
//   GET /admin/metadata?mount=/live.mp3&mode=silence&silent=1&for=42   (the mount's source credentials)
//
// Icecast's own /admin/metadata command with a mode of icegate's: the gateway's source port
// already forwards exactly this command with the mount's source credentials, and a real Icecast
// answers the unknown mode "No such action" without changing anything. `silent` is 1 or 0; `for`
// (with silent=1 only) is how many whole seconds the input has been below the threshold. Pure.

/** The relay's figures for one live source (relay/source-tracker.ts). */
export interface SourceStats {
  /** Sources the relay took on this mount since it started (a restarted relay counts afresh). */
  starts: number;
  /** Bytes received from the current source. */
  bytesIn: number;
  /** kbit/s over the last 10 s; null before 2 s of samples. */
  measuredKbps: number | null;
  /** As last reported; null when never reported on this connection. */
  silent: boolean | null;
  /** ms since the epoch; null unless silent. */
  silentSince: number | null;
}

/** The `sources` part of the relay's snapshot: `instance` changes with every relay process. */
export interface RelaySources {
  instance: string;
  mounts: Record<string, SourceStats>;
}

export const SILENCE_MODE = 'silence';
/** A year: a longer `for` is a broken clock, not a silence. */
export const MAX_SILENT_SECONDS = 31_536_000;

export type SilenceReport = { ok: true; silent: boolean; forSeconds: number } | { ok: false; problem: string };

/** The query string of a silence report, encoded, as the agent sends it. */
export function silenceQuery(mount: string, silent: boolean, forSeconds: number): string {
  const q = new URLSearchParams({ mount, mode: SILENCE_MODE, silent: silent ? '1' : '0' });
  if (silent) q.set('for', String(Math.max(0, Math.min(MAX_SILENT_SECONDS, Math.floor(forSeconds)))));
  return q.toString();
}

/** Reads `silent` and `for` of a silence report; says which parameter is wrong. */
export function parseSilenceReport(query: URLSearchParams): SilenceReport {
  const silent = query.getAll('silent');
  if (silent.length !== 1 || (silent[0] !== '0' && silent[0] !== '1')) return { ok: false, problem: 'silent= must be given once, as 1 or 0' };
  const forValues = query.getAll('for');
  if (forValues.length > 1) return { ok: false, problem: 'for= may be given once' };
  const forText = forValues[0];
  if (silent[0] === '0') return forText === undefined ? { ok: true, silent: false, forSeconds: 0 } : { ok: false, problem: 'for= goes with silent=1 only' };
  if (forText === undefined) return { ok: true, silent: true, forSeconds: 0 };
  if (!/^\d{1,8}$/.test(forText) || Number(forText) > MAX_SILENT_SECONDS) return { ok: false, problem: `for= must be whole seconds, 0 to ${MAX_SILENT_SECONDS}` };
  return { ok: true, silent: true, forSeconds: Number(forText) };
}
