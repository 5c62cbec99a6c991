// Waiting on a running process for a test: what it prints, and answers that come true with time.
import type { ChildProcess } from 'node:child_process';
import { until } from './relay.ts';

/** Resolves with the first match in what the process printed (`out.text`), or rejects when it ends first. */
export function printed(child: ChildProcess, pattern: RegExp, out: { text: string }): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const m = pattern.exec(out.text);
      if (m) {
        child.stdout!.off('data', check);
        resolve(m);
      }
    };
    child.stdout!.on('data', check);
    check();
    child.once('exit', (code) => reject(new Error(`the process exited (${code}) before printing ${pattern}:\n${out.text.slice(-3000)}`)));
  });
}

/** Asks `ask` again each time its last answer is in and not `ok`, until one is; rethrows its failure. */
export async function eventually<T>(ask: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  let last: { value: T } | null = null;
  let asking = false;
  let failure: unknown = null;
  await until(
    () => {
      if (failure !== null) throw failure;
      if (last !== null && ok(last.value)) return true;
      if (!asking) {
        asking = true;
        ask().then(
          (value) => ((last = { value }), (asking = false)),
          (err: unknown) => (failure = err),
        );
      }
      return false;
    },
    timeoutMs,
    what,
  );
  return last!.value;
}
