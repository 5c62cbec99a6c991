// auth: webhook against a tiny local backend that records every POST: Icecast's listener_add
// fields (docs/icecast-compatibility.md#url-authentication) for each listener, allowed iff the answer says
// `icecast-auth-user: 1`; a refusal is a 403 (no password prompt), a slow, failing or dead
// backend a 503 (fail closed); listener_remove with the duration when the listener leaves.
import test from 'ava';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { basic, codeOf, guardedGateway, liveRelay, MOUNT, play, STREAM_BYTES, type GuardedGateway } from './listener-auth-kit.ts';
import { Shared } from './server-harness.ts';
import { openListener } from '../helpers/listen.ts';

const shared = new Shared();

interface Call {
  fields: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/** The backend: allows user "good", never answers user "slow", fails for "broken", refuses the rest. */
class Backend {
  readonly calls: Call[] = [];
  readonly #waiting: Array<(c: Call) => void> = [];
  readonly server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const call = { fields: new URLSearchParams(Buffer.concat(parts).toString('utf8')), headers: req.headers };
      this.calls.push(call);
      for (const w of this.#waiting.splice(0)) w(call);
      const user = call.fields.get('user');
      if (call.fields.get('action') !== 'listener_add') return res.end();
      if (user === 'slow') return;
      if (user === 'broken') return void res.writeHead(500).end();
      if (user === 'good') return void res.writeHead(200, { 'icecast-auth-user': '1' }).end();
      res.writeHead(200, { 'icecast-auth-message': 'not a member' }).end();
    });
  });
  /** The next call whose action is `action`. */
  next(action: string): Promise<Call> {
    return new Promise((resolve) => {
      const wait = (c: Call): void => (c.fields.get('action') === action ? resolve(c) : void this.#waiting.push(wait));
      this.#waiting.push(wait);
    });
  }
}

const backend = new Backend();
let gateway: GuardedGateway;
let dead: GuardedGateway;

test.before(async () => {
  backend.server.listen(0, '127.0.0.1');
  await once(backend.server, 'listening');
  shared.teardown(() => {
    backend.server.closeAllConnections();
    return new Promise((resolve) => backend.server.close(resolve));
  });
  const url = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/auth`;
  const { relay } = await liveRelay(shared);
  const webhook = (u: string) => ({ [MOUNT]: { auth: 'webhook', webhook: { url: u, timeout: 0.5, headers: { 'X-Api-Key': 'backend-key' } } } });
  gateway = await guardedGateway(shared, relay, { mounts: webhook(url) });
  // Port 1 on loopback: nothing listens there, the connection is refused.
  dead = await guardedGateway(shared, relay, { mounts: webhook('http://127.0.0.1:1/auth') });
});
test.after.always(() => shared.run());

test.serial('an allowed listener plays; listener_add carries Icecast\'s fields and listener_remove follows with the duration', async (t) => {
  const port = gateway.gw.ports().listener;
  const added = backend.next('listener_add');
  const l = openListener({ port, path: `${MOUNT}?session=xyz`, headers: { Authorization: basic('good', 'pa ss&word') }, bytes: STREAM_BYTES, timeoutMs: 15000 });
  t.teardown(() => l.socket.destroy());
  const reply = await l.capture;
  t.is(reply.status, 200);
  t.true(reply.body.length >= STREAM_BYTES);
  const add = await added;
  t.is(add.headers['content-type'], 'application/x-www-form-urlencoded');
  t.is(add.headers['x-api-key'], 'backend-key');
  const client = add.fields.get('client') ?? '';
  t.regex(client, /^\d+$/);
  t.deepEqual(Object.fromEntries(add.fields), {
    action: 'listener_add',
    server: 'localhost',
    port: String(port),
    client,
    mount: `${MOUNT}?session=xyz`,
    user: 'good',
    pass: 'pa ss&word',
    ip: '127.0.0.1',
    agent: 'icegate-test/1.0',
  });
  const removed = backend.next('listener_remove');
  l.socket.destroy();
  const remove = await removed;
  t.is(remove.fields.get('client'), client);
  t.is(remove.fields.get('mount'), `${MOUNT}?session=xyz`);
  t.is(remove.fields.get('user'), 'good');
  t.regex(remove.fields.get('duration') ?? '', /^\d+$/);
});

const refused = test.macro({
  async exec(t, gw: () => GuardedGateway, headers: Record<string, string>, status: number, code: string) {
    const { gw: g, proxy } = gw();
    const before = proxy.connections();
    const reply = await play(g.ports().listener, MOUNT, headers);
    t.is(reply.status, status);
    t.is(codeOf(reply), code);
    t.false(reply.headers.has('www-authenticate'), 'no password prompt');
    t.is(proxy.connections(), before, 'nothing reached the upstream');
  },
  title: (title = '') => `webhook: ${title}`,
});

test.serial('the backend refuses: 403', refused, () => gateway, { Authorization: basic('mallory', 'x') }, 403, 'GW_LISTENER_REFUSED');
test.serial('no credentials, the backend refuses: 403', refused, () => gateway, {}, 403, 'GW_LISTENER_REFUSED');
test.serial('the backend is too slow: 503', refused, () => gateway, { Authorization: basic('slow', 'x') }, 503, 'GW_AUTH_UNAVAILABLE');
test.serial('the backend fails: 503', refused, () => gateway, { Authorization: basic('broken', 'x') }, 503, 'GW_AUTH_UNAVAILABLE');
test.serial('the backend is down: 503', refused, () => dead, { Authorization: basic('good', 'x') }, 503, 'GW_AUTH_UNAVAILABLE');

test.serial('an anonymous listener is put to the backend with an empty user and password', async (t) => {
  const added = backend.next('listener_add');
  await play(gateway.gw.ports().listener, MOUNT, {});
  const add = await added;
  t.is(add.fields.get('user'), '');
  t.is(add.fields.get('pass'), '');
});
