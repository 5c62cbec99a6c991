// Body framing as a decision. Two parsers that disagree on where a body ends see two different
// requests (request smuggling, docs/gateway-security.md#request-smuggling), so any framing stream/request-head.ts
// calls ambiguous is refused, and requests that carry no body by nature must not announce one.
import { headerFields } from '../stream/header-lines.ts';
import { bodyFraming, type BodyFraming, type Protocol, type RequestHead } from '../stream/request-head.ts';
import { verbOf } from './classify.ts';
import { deny } from './decision.ts';
import type { Deny } from './types.ts';

export interface FramingInput {
  readonly method: string;
  readonly protocol: Protocol;
  /** Lower-cased names, every value in arrival order (duplicates matter here). */
  readonly headers: ReadonlyMap<string, readonly string[]>;
}

export type FramingCheck = { readonly kind: 'ok'; readonly framing: Exclude<BodyFraming, { kind: 'error' }> } | Deny;

export function checkFraming(input: FramingInput): FramingCheck {
  const head: RequestHead = {
    ...headerFields(input.headers),
    method: input.method.toUpperCase(),
    target: '',
    path: '',
    query: new URLSearchParams(),
    protocol: input.protocol,
    raw: Buffer.alloc(0),
  };
  const framing = bodyFraming(head);
  if (framing.kind === 'error') return deny('GW_BAD_FRAMING', framing.message);
  // Only a source push has a body; a GET with one is how a smuggled request hides.
  const empty = framing.kind === 'none' || (framing.kind === 'length' && framing.length === 0);
  if (verbOf(input.method) !== 'push' && !empty) return deny('GW_UNEXPECTED_BODY', 'only PUT and SOURCE may carry a body');
  return { kind: 'ok', framing };
}

/** Node's `rawHeaders` ([name, value, name, value, …]) as a map that keeps duplicates. */
export function headersFromRaw(raw: readonly string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const values = headers.get(name);
    if (values) values.push(raw[i + 1]!);
    else headers.set(name, [raw[i + 1]!]);
  }
  return headers;
}
