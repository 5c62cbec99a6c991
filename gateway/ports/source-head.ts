// The request head the source port sends upstream, built from the client's head: canonical
// request line, the gateway's own fields first, then the client's field lines byte for byte minus
// the dropped ones (forward-headers.ts), and `Connection: close` so the upstream reads exactly one
// request from this connection. Pure.
import { MAX_HEAD_BYTES, MAX_HEAD_LINES, splitHead } from '../../stream/header-lines.ts';
import type { RequestHead } from '../../stream/request-head.ts';
import type { HeadLimits } from '../context.ts';
import { droppedFields, gatewayFields } from '../forward/headers.ts';

export interface ForwardedHeadInput {
  /** Canonical request target from policies/decide.ts. */
  readonly target: string;
  readonly clientIp: string;
  readonly proto: 'http' | 'https';
  /** The relay core's forward key (contracts/forward-key.ts). */
  readonly forwardKey?: string;
}

export type ForwardedHead = { readonly kind: 'ok'; readonly bytes: Buffer } | { readonly kind: 'too-large' };

/** Lines in a head, the request line included. */
export function headLines(head: RequestHead): number {
  let lines = 1;
  for (const values of head.headers.values()) lines += values.length;
  return lines;
}

/** Whether the client's head is within gateway.limits (the parser already capped it at Icecast's 4095 bytes and 32 lines). */
export function withinLimits(head: RequestHead, limits: Pick<HeadLimits, 'maxHeaderBytes' | 'maxHeaders'>): boolean {
  return head.raw.length <= limits.maxHeaderBytes && headLines(head) <= limits.maxHeaders;
}

/**
 * The head to write upstream. 'too-large' when it would not fit the upstream's own limits
 * (4095 bytes, 32 lines): Icecast would silently drop the lines past 32, so the gateway and the
 * upstream would no longer agree on what the request says.
 */
export function forwardedHead(head: RequestHead, input: ForwardedHeadInput): ForwardedHead {
  const split = splitHead(head.raw);
  if (split.kind !== 'ok') return { kind: 'too-large' };
  const drop = droppedFields(head.headers.get('connection') ?? []);
  const lines: Buffer[] = [Buffer.from(`${head.method} ${input.target} ${head.protocol}`, 'latin1')];
  for (const [name, value] of gatewayFields(input.clientIp, input.proto, input.forwardKey)) lines.push(Buffer.from(`${name}: ${value}`, 'latin1'));
  lines.push(Buffer.from('Connection: close', 'latin1'));
  for (const line of split.lines.slice(1)) {
    const colon = line.indexOf(0x3a);
    const name = line.toString('latin1', 0, colon).toLowerCase();
    if (!drop.has(name)) lines.push(line);
  }
  const crlf = Buffer.from('\r\n');
  const bytes = Buffer.concat([...lines.flatMap((l) => [l, crlf]), crlf]);
  if (bytes.length > MAX_HEAD_BYTES || lines.length > MAX_HEAD_LINES) return { kind: 'too-large' };
  return { kind: 'ok', bytes };
}
