// Reads one request head from a raw socket, bounded in size (request-head.ts) and in time: the
// header timeout is the slowloris defence (Icecast's <header-timeout>, default 15 s,
// docs/icecast-compatibility.md#request-heads). The bytes after the head are handed back untouched, because for a source
// they are the first audio.
import type { Socket } from 'node:net';
import { parseRequestHead, type HeadError, type RequestHead } from './request-head.ts';

/** Runs `fn` after `ms`; returns a function that cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface ReadHeadOptions {
  /** Time allowed for the whole head, from the call (not per read). */
  timeoutMs: number;
  /** Bytes already taken from the socket (e.g. by a protocol sniffer), parsed first. */
  firstBytes?: Buffer;
  schedule?: Schedule;
}

export type ReadHeadResult =
  /** `rest`: bytes received after the head; the body's start (or unshift it back). */
  | { kind: 'ok'; head: RequestHead; rest: Buffer }
  | { kind: 'error'; reason: HeadError; message: string }
  | { kind: 'timeout' }
  /** The peer closed or the socket failed before the head was complete. */
  | { kind: 'closed' };

const realSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/**
 * Resolves once the head is complete, malformed, timed out or the socket is gone. The socket is
 * left paused with none of this function's listeners attached; the caller must have its own
 * 'error' listener from then on.
 */
export function readRequestHead(socket: Socket, options: ReadHeadOptions): Promise<ReadHeadResult> {
  const { timeoutMs, firstBytes = Buffer.alloc(0), schedule = realSchedule } = options;
  return new Promise((resolve) => {
    let buffered = firstBytes;
    const early = evaluate(buffered);
    if (early !== null || socket.destroyed || socket.readableEnded) {
      socket.pause();
      resolve(early ?? { kind: 'closed' });
      return;
    }
    let done = false;
    let cancel = (): void => {};
    const finish = (result: ReadHeadResult): void => {
      if (done) return;
      done = true;
      cancel();
      socket.off('data', onData);
      socket.off('end', onClosed);
      socket.off('close', onClosed);
      socket.off('error', onClosed);
      socket.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      // Bounded: parseRequestHead fails once 4095 bytes hold no complete head, so at most one
      // socket read is appended to fewer than 4 KiB.
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const result = evaluate(buffered);
      if (result !== null) finish(result);
    };
    const onClosed = (): void => finish({ kind: 'closed' });
    cancel = schedule(() => finish({ kind: 'timeout' }), timeoutMs);
    if (done) return;
    socket.on('data', onData);
    socket.once('end', onClosed);
    socket.once('close', onClosed);
    socket.once('error', onClosed);
    socket.resume();
  });
}

function evaluate(buf: Buffer): ReadHeadResult | null {
  const parsed = parseRequestHead(buf);
  switch (parsed.kind) {
    case 'incomplete':
      return null;
    case 'error':
      return parsed;
    case 'ok':
      return { kind: 'ok', head: parsed.head, rest: buf.subarray(parsed.bodyStart) };
  }
}
