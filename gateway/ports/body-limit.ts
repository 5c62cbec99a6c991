// The request body a source connection may send upstream, and nothing after it. Bytes after a
// framed body (Content-Length, chunked, or none at all for a metadata GET) would be read by the
// upstream as a second request the gateway never checked (request smuggling,
// docs/gateway-security.md#request-smuggling), so they are dropped. Icecast's un-framed PUT/SOURCE body has no end: all of
// it passes.
import { Transform, type TransformCallback } from 'node:stream';
import { ChunkedDecoder } from '../../stream/chunked-decoder.ts';
import type { FramingCheck } from '../../policies/framing.ts';

export type Framing = Extract<FramingCheck, { kind: 'ok' }>['framing'];

export class BodyLimit extends Transform {
  /** Bytes still allowed through; Infinity for an endless source body. */
  #remaining: number;
  readonly #chunked: ChunkedDecoder | null;

  constructor(framing: Framing) {
    super();
    this.#chunked = framing.kind === 'chunked' ? new ChunkedDecoder() : null;
    this.#remaining = framing.kind === 'length' ? framing.length : framing.kind === 'none' ? 0 : Infinity;
  }

  /** True once the body is complete; later input is dropped. */
  get complete(): boolean {
    return this.#remaining === 0;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#remaining === 0) return callback();
    if (this.#chunked) {
      // The decoder only finds where the body ends; the chunked bytes themselves go upstream as sent.
      const result = this.#chunked.push(chunk);
      if (result.kind === 'error') return callback(new Error(`bad chunked body: ${result.message}`));
      if (result.kind === 'end') {
        this.#remaining = 0;
        return callback(null, chunk.subarray(0, chunk.length - result.rest.length));
      }
      return callback(null, chunk);
    }
    const n = Math.min(this.#remaining, chunk.length);
    this.#remaining -= n;
    callback(null, n === chunk.length ? chunk : chunk.subarray(0, n));
  }
}
