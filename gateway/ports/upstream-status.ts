// The upstream's answer to a forwarded source request, read from the first bytes coming back
// while they pass through untouched. Only the final status matters to the credential limiter:
// ffmpeg's `Expect: 100-continue` draws a `100 Continue` first (docs/icecast-compatibility.md#100-continue-and-the-success-reply), and
// Icecast-KH may answer `ICY 200 OK` (docs/gateway-security.md#upstream-status-lines). Pure.
import { Transform, type TransformCallback } from 'node:stream';

/** A status line and any 1xx heads before it fit in this; past it the status is not looked for. */
export const MAX_STATUS_BYTES = 8192;

export type StatusPeek =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'final'; readonly status: number }
  /** Not an HTTP or ICY response, or too long to tell. */
  | { readonly kind: 'unknown' };

const STATUS_LINE = /^(?:HTTP\/\d\.\d|ICY) ([1-5]\d\d)(?: |$)/;

export function finalStatus(buf: Buffer, max = MAX_STATUS_BYTES): StatusPeek {
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) return buf.length >= max ? { kind: 'unknown' } : { kind: 'incomplete' };
    const match = STATUS_LINE.exec(buf.toString('latin1', start, nl).replace(/\r$/, ''));
    if (!match) return { kind: 'unknown' };
    const status = Number(match[1]);
    if (status >= 200) return { kind: 'final', status };
    // An interim response: its head ends at the first empty line, then the next status follows.
    const end = /\r?\n\r?\n/.exec(buf.toString('latin1', start));
    if (!end) return buf.length >= max ? { kind: 'unknown' } : { kind: 'incomplete' };
    start += end.index + end[0].length;
  }
}

/** Passes every byte through and reports the final status once (or never, if there is none). */
export class StatusPeeker extends Transform {
  #seen: Buffer | null = Buffer.alloc(0);

  constructor(private readonly onStatus: (status: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#seen !== null) {
      // Bounded: at most MAX_STATUS_BYTES plus one read are kept before the search stops.
      this.#seen = Buffer.concat([this.#seen, chunk]);
      const peek = finalStatus(this.#seen);
      if (peek.kind !== 'incomplete') {
        this.#seen = null;
        if (peek.kind === 'final') this.onStatus(peek.status);
      }
    }
    callback(null, chunk);
  }
}
