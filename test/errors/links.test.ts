// The link routes' refusals that need no running stack (test/supervisor/links-stack.test.ts has
// the others): the control server on its real unix socket in front of the real link service with
// stand-ins for the relay and the gateway. too-many-links at the service's cap, read-only for
// every link action, a corrupt links file refused (never read as empty, never overwritten), and
// an expiry kicks the link's players in the relay at the injected clock's expiry.
import test from 'ava';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { StateSnapshot } from '../../contracts/control-api.ts';
import { LinkStoreError, linksPath } from '../../contracts/link-store.ts';
import type { LinkResult } from '../../contracts/links.ts';
import { ControlServer, type ControlBackend } from '../../supervisor/control-server.ts';
import { CONTROL_ERRORS, type ControlErrorCode } from '../../supervisor/errors.ts';
import { parseLinkRequest } from '../../supervisor/links/request.ts';
import { LinkService, type ChildPort } from '../../supervisor/links/service.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

let dir: string;
const servers: ControlServer[] = [];

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-link-errors-'));
});
test.after.always(async () => {
  for (const s of servers) await s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function config(stateDir: string): Config {
  const r = parseConfigText(`stateDir: ${stateDir}\ngateway:\n  mounts:\n    /live.mp3: {auth: token}\n`, 'gateway.yaml', stateDir);
  if (!r.ok) throw new Error('config');
  return r.config;
}

interface Calls {
  method: string;
  params: Record<string, unknown>;
}

function fakeChild(calls: Calls[], answer: (method: string) => unknown = () => 'ok'): ChildPort {
  return {
    request: (method, params) => {
      calls.push({ method, params });
      return Promise.resolve(answer(method));
    },
  };
}

async function service(name: string, o: { maxLinks?: number; clock?: FakeClock; relay?: ChildPort; gateway?: ChildPort } = {}): Promise<LinkService> {
  const stateDir = join(dir, name);
  return LinkService.open({
    stateDir,
    config: () => config(stateDir),
    clock: o.clock ?? new FakeClock(),
    gateway: () => o.gateway ?? null,
    relay: () => o.relay ?? null,
    gatewayTlsPort: () => 8443,
    liveMounts: () => [],
    log: () => {},
    ...(o.maxLinks !== undefined ? { maxLinks: o.maxLinks } : {}),
  });
}

function backend(links: LinkService, readOnly: boolean): ControlBackend {
  const never = (): Promise<string> => Promise.reject(new Error('not used'));
  return {
    snapshot: () => ({}) as StateSnapshot,
    subscribe: () => () => {},
    readOnly: () => readOnly,
    listeners: () => Promise.resolve({ mount: '/live.mp3', total: 0, listeners: [] }),
    logs: (component) => ({ component, lines: [] }),
    component: never,
    killSource: never,
    kick: never,
    metadata: never,
    ban: never,
    unban: never,
    reload: never,
    stop: never,
    audit: () => {},
    links: { create: (body) => links.create(parseLinkRequest(body)), list: () => links.list(), revoke: (id) => links.revoke(id) },
  };
}

async function serve(name: string, b: ControlBackend): Promise<string> {
  const server = new ControlServer(b);
  const sock = join(dir, name, 'run', 'control.sock');
  await server.listen(sock);
  servers.push(server);
  return sock;
}

async function send(sock: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: { ok: boolean; error?: { code: string; message: string } } }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    request({ socketPath: sock, method, path }, resolve).on('error', reject).end(body === undefined ? undefined : JSON.stringify(body));
  });
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return { status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as { ok: boolean } };
}

function refused(t: import('ava').ExecutionContext, r: Awaited<ReturnType<typeof send>>, code: ControlErrorCode): void {
  t.is(r.status, CONTROL_ERRORS[code].status);
  t.is(r.body.error?.code, code);
  t.true(r.body.error?.message.startsWith(CONTROL_ERRORS[code].message));
}

const BODY = { mount: '/live.mp3', label: 'Choir members', ttlSeconds: 3600 };

test("too-many-links: the service's cap of links kept", async (t) => {
  const sock = await serve('cap', backend(await service('cap', { maxLinks: 1 }), false));
  t.is((await send(sock, 'POST', '/v1/links', BODY)).status, 200);
  refused(t, await send(sock, 'POST', '/v1/links', BODY), 'too-many-links');
});

test('read-only: every link action is refused and nothing is stored', async (t) => {
  const links = await service('ro');
  const sock = await serve('ro', backend(links, true));
  refused(t, await send(sock, 'POST', '/v1/links', BODY), 'read-only');
  refused(t, await send(sock, 'DELETE', '/v1/links/AAAAAAAAAAAAAAAAAAAAAA'), 'read-only');
  t.deepEqual(await links.list(), []);
  // Reading is not an action.
  t.is((await send(sock, 'GET', '/v1/links')).status, 200);
});

const corrupt: [string, string][] = [
  ['not JSON', '{"version": 1, "links": ['],
  ['a record missing fields', '{"version": 1, "links": [{"id": "AAAAAAAAAAAAAAAAAAAAAA"}]}'],
  ['an unknown version', '{"version": 2, "links": []}'],
];
for (const [what, text] of corrupt) {
  test(`a corrupt links file is an error naming it, never an empty table: ${what}`, async (t) => {
    const name = `corrupt-${corrupt.findIndex((c) => c[0] === what)}`;
    const file = linksPath(join(dir, name));
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(file, text);
    const error = await t.throwsAsync(service(name), { instanceOf: LinkStoreError });
    t.true(error?.message.startsWith(`${file}: `), error?.message);
    t.is(await readFile(file, 'utf8'), text, 'left as it was');
  });
}

test("an expiry kicks the link's players the relay lists, at the injected clock's expiry", async (t) => {
  const clock = new FakeClock();
  const relayCalls: Calls[] = [];
  let linkId = '';
  const relay = fakeChild(relayCalls, (method) =>
    method === 'listeners'
      ? [
          { id: 7, ip: '127.0.0.1', userAgent: 'hls', connectedAt: 0, bytesSent: 0, mount: '/live.mp3', auth: 'token', linkId },
          { id: 8, ip: '127.0.0.1', userAgent: 'other', connectedAt: 0, bytesSent: 0, mount: '/live.mp3', auth: 'anonymous' },
        ]
      : 'ok',
  );
  const gatewayCalls: Calls[] = [];
  const links = await service('expiry', { clock, relay, gateway: fakeChild(gatewayCalls, () => ({})) });
  const made = await links.create(parseLinkRequest({ ...BODY, ttlSeconds: 60 }));
  linkId = made.id;
  t.deepEqual(gatewayCalls.map((c) => c.method), ['links'], 'the gateway got the table');
  clock.advance(59_000);
  await Promise.resolve();
  t.deepEqual(relayCalls.filter((c) => c.method === 'kick'), []);
  clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(relayCalls.filter((c) => c.method === 'kick').map((c) => c.params), [{ mount: '/live.mp3', id: 7 }]);
  const [view] = await links.list();
  t.like(view, { id: linkId, expired: true, revoked: false });
  t.is((await readFile(linksPath(join(dir, 'expiry')), 'utf8')).includes(linkId), true);
  t.is((await stat(linksPath(join(dir, 'expiry')))).mode & 0o777, 0o600);
  links.close();
});

test('a link result carries the public URL and the page URL with the token', async (t) => {
  const links = await service('urls');
  const link: LinkResult['link'] = await links.create(parseLinkRequest(BODY));
  t.regex(link.url, /^https:\/\/[^/]+:8443\/t\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}\/live\.mp3$/);
  t.is(link.pageUrl, link.url.slice(0, -'live.mp3'.length));
  links.close();
});
