// Transfer-Encoding: chunked request bodies (RFC 9112 §7.1), which Icecast 2.5 and the relay
// accept for PUT sources. Data is passed on as it arrives: a source may send one endless chunk,
// so nothing waits for a chunk to complete. Everything that is not data is bounded.
import { Transform, type TransformCallback } from 'node:stream';

/** Longest chunk-size line (size and extensions) or trailer line, CRLF excluded. */
export const MAX_CHUNK_LINE = 1024;
/** Trailer fields are read and ignored, up to this many bytes in all. */
export const MAX_TRAILER_BYTES = 4096;

export type ChunkedResult =
  /** More input needed. `data`: body bytes decoded from this input (views into it). */
  | { kind: 'data'; data: Buffer[] }
  /** The last chunk and trailer section are complete; `rest` follows the body. */
  | { kind: 'end'; data: Buffer[]; rest: Buffer }
  | { kind: 'error'; data: Buffer[]; message: string };

type State = 'size' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done' | 'failed';

export class ChunkedDecoder {
  private state: State = 'size';
  /** Bytes of the current size or trailer line, as Latin-1 text. */
  private line = '';
  private remaining = 0;
  private trailerBytes = 0;
  private failure = '';

  push(input: Buffer): ChunkedResult {
    const data: Buffer[] = [];
    let pos = 0;
    while (pos < input.length) {
      switch (this.state) {
        case 'done':
          return { kind: 'end', data, rest: input.subarray(pos) };
        case 'failed':
          return { kind: 'error', data, message: this.failure };
        case 'data': {
          const n = Math.min(this.remaining, input.length - pos);
          data.push(input.subarray(pos, pos + n));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'data-cr';
          break;
        }
        case 'data-cr':
        case 'data-lf': {
          const expected = this.state === 'data-cr' ? 0x0d : 0x0a;
          if (input[pos++] !== expected) this.fail('chunk data is not followed by CRLF');
          else this.state = this.state === 'data-cr' ? 'data-lf' : 'size';
          break;
        }
        case 'size':
        case 'trailer': {
          const nl = input.indexOf(0x0a, pos);
          const end = nl === -1 ? input.length : nl;
          // +1: the CR before the LF is still in `line`.
          if (this.line.length + (end - pos) > MAX_CHUNK_LINE + 1) {
            this.fail(this.state === 'size' ? 'chunk-size line is too long' : 'trailer line is too long');
            break;
          }
          this.line += input.toString('latin1', pos, end);
          pos = end;
          if (nl === -1) break;
          pos++;
          const line = this.line;
          this.line = '';
          if (!line.endsWith('\r')) this.fail('a chunked-body line does not end with CRLF');
          else if (this.state === 'size') this.sizeLine(line.slice(0, -1));
          else this.trailerLine(line.slice(0, -1));
          break;
        }
      }
    }
    if (this.state === 'done') return { kind: 'end', data, rest: input.subarray(pos) };
    if (this.state === 'failed') return { kind: 'error', data, message: this.failure };
    return { kind: 'data', data };
  }

  private sizeLine(line: string): void {
    // chunk-size [ BWS ";" chunk-ext ]; no whitespace or other text after the size otherwise.
    const match = /^([0-9A-Fa-f]+)(?:[ \t]*;[^\x00-\x08\x0a-\x1f\x7f]*)?$/.exec(line);
    const hex = match?.[1]?.replace(/^0+(?=.)/, '');
    if (hex === undefined) return this.fail('chunk size is not a hexadecimal number');
    if (hex.length > 13) return this.fail('chunk size is too large');
    const size = parseInt(hex, 16);
    if (size === 0) {
      this.state = 'trailer';
    } else {
      this.remaining = size;
      this.state = 'data';
    }
  }

  private trailerLine(line: string): void {
    if (line === '') {
      this.state = 'done';
      return;
    }
    this.trailerBytes += line.length + 2;
    if (this.trailerBytes > MAX_TRAILER_BYTES) this.fail('trailer section is too large');
  }

  private fail(message: string): void {
    this.state = 'failed';
    this.failure = message;
  }
}

export class ChunkedEncodingError extends Error {
  override readonly name = 'ChunkedEncodingError';
}

/**
 * The decoded body as a stream. It ends after the last chunk (bytes after it are ignored: a source
 * connection carries nothing else) and fails with ChunkedEncodingError on malformed input or
 * when the input ends before the last chunk.
 */
export class ChunkedBodyStream extends Transform {
  private readonly decoder = new ChunkedDecoder();
  private finished = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.finished) return callback();
    const result = this.decoder.push(chunk);
    for (const data of result.data) this.push(data);
    if (result.kind === 'error') return callback(new ChunkedEncodingError(result.message));
    if (result.kind === 'end') {
      this.finished = true;
      this.push(null);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    callback(this.finished ? null : new ChunkedEncodingError('the body ended before the last chunk'));
  }
}
