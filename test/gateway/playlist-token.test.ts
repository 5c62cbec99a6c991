// A playlist fetched through a stream link points the player back through the same link: the
// gateway tells the relay the link's path (X-Forwarded-Prefix), the relay believes it only from a
// trusted proxy, and no client can put a prefix of its own into the URL. A player-like fetch of
// each playlist, then of the URL in it, with a real relay core and ffmpeg behind the gateway.
import test from 'ava';
import http from 'node:http';
import { BlockList } from 'node:net';
import { StreamTokens, tokenPath } from '../../policies/tokens.ts';
import { resolveClient, trustList } from '../../stream/client-ip.ts';
import { decode } from '../helpers/ffmpeg.ts';
import { guardedGateway, liveRelay, MOUNT, type GuardedGateway } from './listener-auth-kit.ts';
import { Shared } from './server-harness.ts';

const shared = new Shared();
const KEYS = { k1: 'a-playlist-test-signing-key-01' };
const keyring = new StreamTokens(KEYS);
let gateway: GuardedGateway;
/** No stream links: the mount is public. */
let open: GuardedGateway;

test.before(async () => {
  const { relay } = await liveRelay(shared);
  gateway = await guardedGateway(shared, relay, { tokens: { keys: KEYS }, mounts: { [MOUNT]: { auth: 'token' } } });
  open = await guardedGateway(shared, relay, {});
});
test.after.always(() => shared.run());

interface Fetched {
  status: number;
  contentType: string;
  body: Buffer;
}

/** GET like a player: follows nothing, reads `limit` bytes at most, then hangs up. */
function get(url: string, headers: Record<string, string> = {}, limit = 1 << 20): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'User-Agent': 'icegate-test/1.0', ...headers }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      const done = (): void => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: Buffer.concat(parts) });
      };
      res.on('data', (d: Buffer) => {
        parts.push(d);
        size += d.length;
        if (size >= limit) done();
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', reject);
    req.setTimeout(15000, () => req.destroy(new Error('timed out')));
  });
}

const urlIn: Record<'m3u' | 'pls' | 'xspf', (body: string) => string | undefined> = {
  m3u: (b) => b.split(/\r?\n/).find((l) => l.startsWith('http')),
  pls: (b) => /^File1=(.*)$/m.exec(b)?.[1]?.trim(),
  xspf: (b) => /<location>(.*?)<\/location>/.exec(b)?.[1]?.replace(/&#38;/g, '&'),
};

for (const kind of ['m3u', 'pls', 'xspf'] as const) {
  test(`the .${kind} playlist of a stream link points at the stream through the link, and it plays`, async (t) => {
    const token = keyring.mint({ mount: MOUNT, ttlSeconds: 600 }, Date.now());
    const base = `http://127.0.0.1:${gateway.gw.ports().listener}`;
    const list = await get(`${base}${tokenPath(token, `${MOUNT}.${kind}`)}`);
    t.is(list.status, 200, list.body.toString());
    const url = urlIn[kind](list.body.toString('utf8'));
    t.is(url, `${base}${tokenPath(token, MOUNT)}`);
    const stream = await get(url!, {}, 24 * 1024);
    t.is(stream.status, 200);
    t.is(stream.contentType, 'audio/mpeg');
    const decoded = await decode(stream.body, 'mp3');
    t.true(decoded.ok, decoded.errors);
  });
}

test('a prefix sent by the client never reaches the playlist', async (t) => {
  const token = keyring.mint({ mount: MOUNT, ttlSeconds: 600 }, Date.now());
  const base = `http://127.0.0.1:${gateway.gw.ports().listener}`;
  const linked = await get(`${base}${tokenPath(token, `${MOUNT}.m3u`)}`, { 'X-Forwarded-Prefix': '/evil' });
  t.is(linked.body.toString().trim(), `${base}${tokenPath(token, MOUNT)}`);
  const publicBase = `http://127.0.0.1:${open.gw.ports().listener}`;
  const plain = await get(`${publicBase}${MOUNT}.m3u`, { 'X-Forwarded-Prefix': '/t/forged' });
  t.is(plain.status, 200);
  t.is(plain.body.toString().trim(), `${publicBase}${MOUNT}`);
});

test('without a stream link the playlist of a token mount is refused, not made without one', async (t) => {
  const list = await get(`http://127.0.0.1:${gateway.gw.ports().listener}${MOUNT}.m3u`, { 'X-Forwarded-Prefix': '/t/forged' });
  t.is(list.status, 403);
});

const trusted = trustList(['127.0.0.1/32']);
const prefixes: [string, string, BlockList, string | undefined, string][] = [
  ['a stream link from the trusted gateway', '127.0.0.1', trusted, '/t/k1.eyJ9.sig_-', '/t/k1.eyJ9.sig_-'],
  ['any prefix from an untrusted peer', '198.51.100.7', trusted, '/t/k1.eyJ9.sig', ''],
  ['none', '127.0.0.1', trusted, undefined, ''],
  ['a full URL', '127.0.0.1', trusted, 'http://evil.example/x', ''],
  ['a prefix without its leading slash', '127.0.0.1', trusted, 't/x', ''],
  ['dot segments', '127.0.0.1', trusted, '/t/../admin', ''],
  ['characters a URL would need escaped', '127.0.0.1', trusted, '/t/a b', ''],
  ['markup', '127.0.0.1', trusted, '/t/<x>', ''],
  ['a trailing slash', '127.0.0.1', trusted, '/t/x/', ''],
  ['a query', '127.0.0.1', trusted, '/t/x?y', ''],
];

for (const [what, peer, list, header, expected] of prefixes) {
  test(`the relay's prefix for ${what} is ${JSON.stringify(expected)}`, (t) => {
    const client = resolveClient(list, peer, (name) => (name === 'x-forwarded-prefix' ? header : undefined));
    t.is(client.prefix, expected);
  });
}
