// Process groups: each component is spawned as the leader of its own group (setpgid via
// `detached`), so a signal to the negative pid (kill(2)) reaches everything it started.
import type { Clock } from '../stream/clock.ts';

/** Signals a whole process group; a group that is already gone is not an error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in it.
  }
}

/** `p`, or a rejection once `ms` have passed on `clock`. */
export function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = clock.after(ms, () => reject(new Error(`no answer within ${ms} ms`)));
    p.then(
      (v) => {
        t.cancel();
        resolve(v);
      },
      (e: unknown) => {
        t.cancel();
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
