// A source client on a raw socket (PUT or SOURCE, docs/icecast-compatibility.md#source-authentication-and-check-order): checks in Icecast's order —
// credentials, mount in use, source limit, Content-Type — then the early 200 and an endless body.
import type { Socket } from 'node:net';
import type { RequestHead, BodyFraming } from '../stream/request-head.ts';
import { bodyFraming } from '../stream/request-head.ts';
import { expectsContinue, renderError, sourceOk } from '../stream/responses.ts';
import { hangUp } from '../stream/hang-up.ts';
import type { RelayErrorCode } from '../stream/errors.ts';
import { parseBasic, safeEqual } from '../stream/basic-auth.ts';
import { describeSource } from '../stream/source-headers.ts';
import { ChunkedDecoder } from '../stream/chunked-decoder.ts';
import type { RelayContext } from '../stream/context.ts';
import type { SourceEndReason, SourceHandle } from '../stream/mount.ts';
import { credentialKey } from '../stream/takeover.ts';
import { DELIBERATE_ENDS, sourceEndNotice } from '../contracts/source-end.ts';
import type { SourceAdmission } from '../stream/mount-registry.ts';
import type { SourceInfo } from '../stream/types.ts';
import type { Clock } from '../stream/clock.ts';
import { readInBatches, wakeHeldSource } from './read-batch.ts';

/** SOURCE without a Content-Type is an Icecast 1.x-style MP3 source (docs/icecast-compatibility.md#content-types). */
export const LEGACY_CONTENT_TYPE = 'audio/mpeg';

export interface SourceCredentials {
  user: string;
  password: string;
}

/** The credentials a mount accepts: its own, else the global source user and password. */
export function sourceCredentialsFor(ctx: RelayContext, mount: string): SourceCredentials {
  const m = ctx.config.mounts[mount];
  return {
    user: m?.username ?? ctx.config.auth.sourceUser,
    password: m?.password ?? ctx.secrets.sourcePassword,
  };
}

/** 'ok' with the credentials' key (stream/takeover.ts), or why not. */
export function checkSourceAuth(ctx: RelayContext, mount: string, authorization: string | undefined): { ok: string } | 'missing' | 'bad' {
  const given = parseBasic(authorization);
  if (!given) return 'missing';
  const want = sourceCredentialsFor(ctx, mount);
  // Both comparisons always run: the reply time must not tell which half was wrong.
  const userOk = safeEqual(given.user, want.user);
  const passOk = safeEqual(given.password, want.password);
  return userOk && passOk ? { ok: credentialKey(given.user, given.password) } : 'bad';
}

function refuse(socket: Socket, code: RelayErrorCode): void {
  hangUp(socket, renderError(code));
}

export function ingestSource(ctx: RelayContext, socket: Socket, head: RequestHead, rest: Buffer, ip: string): void {
  const mountName = head.path;
  const auth = checkSourceAuth(ctx, mountName, head.get('authorization'));
  if (typeof auth === 'string') {
    // libshout's first request carries no credentials on purpose (docs/icecast-compatibility.md#source-clients): a probe, not
    // a failed login. Either way the 401 advertises PUT so libshout switches to it.
    ctx.events.emit('auth-failure', { channel: 'source', ip, mount: mountName, probe: auth === 'missing' });
    return refuse(socket, 'RELAY_SOURCE_AUTH');
  }
  // A live source whose end is not read yet (relay/read-batch.ts) is looked at first. The new
  // connection is left paused meanwhile (stream/head-reader.ts), so none of its bytes are lost.
  const settling = wakeHeldSource(ctx.registry.get(mountName));
  if (settling === null) return admit(ctx, socket, head, rest, ip, auth.ok);
  void settling.then(() => {
    if (!socket.destroyed) admit(ctx, socket, head, rest, ip, auth.ok);
  });
}

function admit(ctx: RelayContext, socket: Socket, head: RequestHead, rest: Buffer, ip: string, credentials: string): void {
  const mountName = head.path;
  const admission = ctx.registry.admitSource(mountName, credentials);
  if (!admission.ok) return refuse(socket, admission.code);
  let contentType = head.get('content-type')?.trim();
  if (!contentType) {
    if (head.method === 'PUT') return refuse(socket, 'RELAY_NO_CONTENT_TYPE');
    contentType = LEGACY_CONTENT_TYPE;
  }
  const framing = bodyFraming(head);
  if (framing.kind === 'error') return refuse(socket, 'RELAY_BAD_REQUEST');

  socket.write(sourceOk(expectsContinue(head.get('expect'))));
  const info: SourceInfo = {
    contentType,
    ip,
    userAgent: head.get('user-agent') ?? '',
    description: describeSource(head),
    kind: 'source',
  };
  streamSource(ctx, socket, admission, info, framing, rest);
}

/** How a source body is delimited once the request was accepted. */
export type SourceFraming = Exclude<BodyFraming, { kind: 'error' }>;

/**
 * Attach an admitted source to its mount and stream the rest of the connection into it: shared
 * by PUT/SOURCE and the SHOUTcast v1 port. The connection is closed whenever the source ends,
 * including when a framed body (Content-Length, chunked) is complete: nothing follows a source
 * body, and an open socket with no timer left on it would never be reclaimed.
 */
export function streamSource(
  ctx: RelayContext,
  socket: Socket,
  admission: Extract<SourceAdmission, { ok: true }>,
  info: SourceInfo,
  framing: SourceFraming,
  rest: Buffer,
): void {
  // After a complete body the 200 may still be on its way out; any other end is abrupt.
  const end = (reason: SourceEndReason): void => {
    if (reason === 'eof') return void socket.destroySoon();
    // An end the relay chose is said on the connection before it closes, so a gateway holding
    // the source does not take it for a relay restart (contracts/source-end.ts).
    if (DELIBERATE_ENDS.has(reason) && socket.writable) socket.end(sourceEndNotice(reason));
    else socket.destroy();
  };
  const handle = admission.mount.attachSource(info, end, admission.credentials);
  const takeover = admission.takeover;
  ctx.events.emit('source-connect', { mount: admission.mount.name, ip: info.ip, takeover: takeover !== null, ...(takeover ? { previousIp: takeover.previousIp } : {}) });
  pipeBody(socket, handle, framing, rest, ctx.clock);
}

function pipeBody(socket: Socket, handle: SourceHandle, framing: SourceFraming, rest: Buffer, clock: Clock): void {
  let remaining = framing.kind === 'length' ? framing.length : Infinity;
  const feed = (data: Buffer): void => {
    if (remaining !== Infinity) {
      if (data.length > remaining) data = data.subarray(0, remaining);
      remaining -= data.length;
    }
    if (data.length > 0 && !handle.write(data)) socket.destroy();
    if (remaining <= 0) handle.end('eof');
  };
  let input: (d: Buffer) => void = feed;
  if (framing.kind === 'chunked') {
    const decoder = new ChunkedDecoder();
    input = (d) => {
      const r = decoder.push(d);
      if (r.kind === 'error') {
        handle.end('error');
        socket.destroy();
        return;
      }
      for (const part of r.data) feed(part);
      if (r.kind === 'end') handle.end('eof');
    };
  }
  // Read when the audio is due (relay/read-batch.ts), not as every write of the encoder arrives.
  readInBatches(socket, handle, clock, input);
  socket.on('error', () => handle.end('error'));
  socket.on('close', () => handle.end('eof'));
  socket.setTimeout(0);
  // A Content-Length: 0 body is complete before it starts.
  if (rest.length > 0 || remaining === 0) input(rest);
  socket.resume();
}
