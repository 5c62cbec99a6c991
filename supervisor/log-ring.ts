// The recent tail of one component's output, for the dashboard: a fixed number of lines in a
// ring, so a chatty component (ffmpeg) costs bounded memory however long it runs.
import type { LogLine } from '../contracts/control-api.ts';

/** Longest line kept; the rest of an overlong line is cut (a binary spew must not fill memory). */
const MAX_LINE = 4096;

export class LogRing {
  readonly #lines: (LogLine | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity = 2000) {
    this.#lines = new Array<LogLine | undefined>(capacity);
  }

  push(line: LogLine): void {
    const text = line.text.length > MAX_LINE ? `${line.text.slice(0, MAX_LINE)}…` : line.text;
    this.#lines[this.#next] = { ...line, text };
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** The newest `n` lines, oldest first. */
  tail(n: number): LogLine[] {
    const count = Math.max(0, Math.min(n, this.#size));
    const out: LogLine[] = [];
    for (let i = count; i > 0; i--) {
      const line = this.#lines[(this.#next - i + this.capacity) % this.capacity];
      if (line) out.push(line);
    }
    return out;
  }
}

/**
 * Splits a byte stream into lines. A partial last line waits for its end, but never grows past
 * MAX_LINE: it is emitted cut.
 */
export class LineSplitter {
  #pending = '';
  constructor(readonly onLine: (line: string) => void) {}

  write(chunk: Buffer | string): void {
    const parts = (this.#pending + chunk.toString()).split('\n');
    this.#pending = parts.pop() ?? '';
    for (const part of parts) this.onLine(part.replace(/\r$/, ''));
    if (this.#pending.length > MAX_LINE) {
      this.onLine(this.#pending);
      this.#pending = '';
    }
  }

  flush(): void {
    if (this.#pending !== '') this.onLine(this.#pending);
    this.#pending = '';
  }
}
