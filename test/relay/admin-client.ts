// Clients for the admin and status system tests: one-shot requests on raw sockets (so replies
// are seen byte for byte, HTTP/1.0 error pages included), a listener tap that counts what it
// receives, and ffmpeg sources started together.
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { parseHead, rawRequest } from '../helpers/listen.ts';
import { SECRETS, until } from '../helpers/relay.ts';
import { startSource, stopProcess, type TestCodec } from '../helpers/ffmpeg.ts';
import type { RunningRelay } from '../../relay/start.ts';

export type Credentials = readonly [user: string, password: string];

export const ADMIN: Credentials = ['admin', SECRETS.adminPassword];
export const SOURCE: Credentials = ['source', SECRETS.sourcePassword];
export const RELAY: Credentials = ['relay', SECRETS.relayPassword];

export interface Reply {
  status: number;
  headers: Map<string, string[]>;
  rawHead: string;
  body: string;
}

export function basic([user, password]: Credentials): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function get(port: number, path: string, auth?: Credentials, headers: Record<string, string> = {}): Promise<Reply> {
  const lines = [`GET ${path} HTTP/1.1`, 'Host: radio.example:8000'];
  if (auth) lines.push(`Authorization: ${basic(auth)}`);
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const raw = (await rawRequest(port, `${lines.join('\r\n')}\r\n\r\n`)).toString('utf8');
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no response head: ${JSON.stringify(raw.slice(0, 200))}`);
  const rawHead = raw.slice(0, end + 4);
  const { status, headers: h } = parseHead(rawHead);
  return { status, headers: h, rawHead, body: raw.slice(end + 4) };
}

/** A listener that keeps reading; tests watch its byte count and whether it was closed. */
export interface Tap {
  socket: net.Socket;
  /** Everything received after the response head. */
  body(): Buffer;
  head(): string | null;
  closed: Promise<void>;
  isClosed(): boolean;
}

export function tap(port: number, path: string, headers: Record<string, string> = {}): Tap {
  const socket = net.connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let head: string | null = null;
  const parts: Buffer[] = [];
  let closed = false;
  socket.on('data', (d: Buffer) => {
    if (head !== null) return void parts.push(d);
    buf = Buffer.concat([buf, d]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    head = buf.subarray(0, end + 4).toString('latin1');
    parts.push(buf.subarray(end + 4));
  });
  socket.on('error', () => {});
  const done = new Promise<void>((resolve) => socket.once('close', () => ((closed = true), resolve())));
  const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'User-Agent: icegate-test/1.0'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return { socket, body: () => Buffer.concat(parts), head: () => head, closed: done, isClosed: () => closed };
}

/** Resolves once `t` has received `more` bytes beyond what it had when called. */
export async function receivesMore(t: Tap, more: number): Promise<void> {
  const start = t.body().length;
  await until(() => t.body().length >= start + more, 15000, `${more} more bytes`);
}

export interface SourceSpec {
  mount: string;
  codec: TestCodec;
  frequency?: number;
}

/** Start ffmpeg sources and wait until every mount is live. */
export async function startSources(relay: RunningRelay, specs: readonly SourceSpec[]): Promise<ChildProcess[]> {
  const port = relay.port();
  const children = specs.map((s) => startSource({ port, password: SECRETS.sourcePassword, ...s }));
  try {
    await until(() => specs.every((s) => relay.ctx.registry.get(s.mount)?.live === true), 15000, 'sources to go live');
  } catch (err) {
    await Promise.all(children.map(stopProcess));
    throw err;
  }
  return children;
}

export async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map(stopProcess));
}

/** The listener ids in a listclients document. */
export function listenerIds(xml: string): number[] {
  return [...xml.matchAll(/<ID>(\d+)<\/ID>/g)].map((m) => Number(m[1]));
}
