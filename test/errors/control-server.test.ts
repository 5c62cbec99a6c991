// The control API's refusals that the control server decides itself, on its real unix socket,
// in front of a backend that stands in for the supervisor: event-stream clients over the cap,
// a second server on a socket that answers, read-only, an oversized body, and an action whose
// component fails with an error of its own (every such error is reported as `failed`).
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionResult, StateSnapshot } from '../../contracts/control-api.ts';
import { ControlServer, type ControlBackend } from '../../supervisor/control-server.ts';
import { CONTROL_ERRORS, ControlError, type ControlErrorCode } from '../../supervisor/errors.ts';

const MAX_EVENT_CLIENTS = 2;

function backend(o: { readOnly?: boolean } = {}): ControlBackend {
  const fail = (): Promise<string> => Promise.reject(new Error('the relay closed its channel mid-request'));
  return {
    snapshot: () => ({}) as StateSnapshot,
    subscribe: () => () => {},
    readOnly: () => o.readOnly === true,
    listeners: () => Promise.resolve({ mount: '/live.mp3', total: 0, listeners: [] }),
    logs: (component) => ({ component, lines: [] }),
    component: () => Promise.resolve('done'),
    killSource: fail,
    kick: fail,
    metadata: fail,
    ban: () => Promise.resolve('banned'),
    unban: () => Promise.resolve('unbanned'),
    reload: () => Promise.resolve('reloaded'),
    stop: () => Promise.resolve('stopping'),
    audit: () => {},
  };
}

let dir: string;
const servers: ControlServer[] = [];
const open: IncomingMessage[] = [];

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-control-errors-'));
});

test.after.always(async () => {
  for (const res of open) res.destroy();
  for (const s of servers) await s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function serve(name: string, b = backend()): Promise<string> {
  const server = new ControlServer(b, { maxEventClients: MAX_EVENT_CLIENTS });
  const sock = join(dir, name, 'control.sock');
  await server.listen(sock);
  servers.push(server);
  return sock;
}

function send(sock: string, method: string, path: string, body?: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request({ socketPath: sock, method, path }, resolve).on('error', reject).end(body);
  });
}

async function json(res: IncomingMessage): Promise<ActionResult> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString()) as ActionResult;
}

async function refused(t: import('ava').ExecutionContext, res: IncomingMessage, code: ControlErrorCode): Promise<void> {
  t.is(res.statusCode, CONTROL_ERRORS[code].status);
  const body = await json(res);
  t.like(body, { ok: false, error: { code } });
  if (!body.ok) t.true(body.error.message.startsWith(CONTROL_ERRORS[code].message), body.error.message);
}

test('too-many-clients: one event stream over the cap', async (t) => {
  const sock = await serve('events');
  for (let i = 0; i < MAX_EVENT_CLIENTS; i++) {
    const res = await send(sock, 'GET', '/v1/events');
    open.push(res);
    t.is(res.statusCode, 200);
  }
  await refused(t, await send(sock, 'GET', '/v1/events'), 'too-many-clients');
});

test('already-started: a second control server on a socket that answers', async (t) => {
  const sock = await serve('twice');
  const second = new ControlServer(backend());
  const error = await t.throwsAsync(second.listen(sock), { instanceOf: ControlError });
  t.is(error?.code, 'already-started');
  t.true(error?.message.startsWith(CONTROL_ERRORS['already-started'].message));
});

const actions: [string, string, string | undefined, ControlErrorCode, { readOnly?: boolean }][] = [
  ['POST', '/v1/mounts/%2Flive.mp3/kill-source', undefined, 'failed', {}],
  ['POST', '/v1/mounts/%2Flive.mp3/listeners/7/kick', undefined, 'failed', {}],
  ['POST', '/v1/bans', 'x'.repeat(20_000), 'body-too-large', {}],
  ['POST', '/v1/bans', '[1, 2]', 'bad-request', {}],
  ['POST', '/v1/components/relay/restart', undefined, 'read-only', { readOnly: true }],
];
for (const [method, path, body, code, options] of actions) {
  test(`${code}: ${method} ${path}${options.readOnly ? ' (read-only)' : ''}`, async (t) => {
    const sock = await serve(`${code}-${actions.findIndex((a) => a[1] === path && a[3] === code)}`, backend(options));
    await refused(t, await send(sock, method, path, body), code);
  });
}
