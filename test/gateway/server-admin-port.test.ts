// The admin port: only the admin API, over TLS, optionally only for holders of a client
// certificate from icegate's private CA. A missing or foreign certificate never reaches the
// upstream; admin password guessing is rate limited like the source's.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { createCa, issueClientCert, type KeyAndCert } from '../../gateway/tls/certs.ts';
import { adminCaPaths } from '../../gateway/tls/files.ts';
import { SECRETS, testRelay } from '../helpers/relay.ts';
import { countingProxy, strictLimiter, testGateway } from './server-harness.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const ADMIN = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;

function adminGet(port: number, path: string, options: { cert?: KeyAndCert; authorization?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        path,
        rejectUnauthorized: false,
        agent: false,
        headers: options.authorization === undefined ? {} : { authorization: options.authorization },
        ...(options.cert ? { cert: options.cert.certPem, key: options.cert.keyPem } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
  });
}

test('with client certificates on: none, or one from a foreign CA, is refused before the upstream; one from the private CA passes', async (t) => {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const proxy = await countingProxy(t, relay.port());
  const { gw, stateDir } = await testGateway(t, proxy.port, { admin: { clientCertificates: true } });
  const caPaths = adminCaPaths(stateDir);
  t.deepEqual(gw.generated, [caPaths.cert], 'the private CA is created on first start');
  const ca = { certPem: await readFile(caPaths.cert, 'utf8'), keyPem: await readFile(caPaths.key, 'utf8') };
  const port = gw.ports().admin;

  const none = await adminGet(port, '/admin/stats', { authorization: ADMIN });
  t.is(none.status, 403);
  t.regex(none.body, /^Client certificate required \(GW_CLIENT_CERT_REQUIRED, ref [0-9a-f]{8}\)\n$/);
  const foreign = await adminGet(port, '/admin/stats', { authorization: ADMIN, cert: issueClientCert(createCa({ commonName: 'elsewhere' }), { commonName: 'mallory' }) });
  t.is(foreign.status, 403);
  t.is(proxy.connections(), 0, 'nothing reached the upstream');

  const alice = issueClientCert(ca, { commonName: 'alice@laptop' });
  const ok = await adminGet(port, '/admin/stats', { authorization: ADMIN, cert: alice });
  t.is(ok.status, 200);
  t.regex(ok.body, /<icestats>/);
  t.is(proxy.connections(), 1);
});

const refused = test.macro({
  async exec(t, path: string, status: number, code: string) {
    const relay = await testRelay();
    t.teardown(() => relay.close());
    const proxy = await countingProxy(t, relay.port());
    const { gw } = await testGateway(t, proxy.port);
    const reply = await adminGet(gw.ports().admin, path, { authorization: ADMIN });
    t.is(reply.status, status);
    t.true(reply.body.includes(`(${code}, ref `), reply.body);
    t.is(proxy.connections(), 0);
  },
  title: (_title, path: string, status: number) => `admin port refuses ${path} with ${status}`,
});

test(refused, '/live.mp3', 403, 'GW_WRONG_PORT');
test(refused, '/status-json.xsl', 403, 'GW_WRONG_PORT');
test(refused, '/ADMIN/stats', 404, 'GW_NOT_FOUND');
test(refused, '/admin%2fstats', 400, 'GW_BAD_TARGET');

test('without client certificates the admin API is forwarded, and password guessing is blocked after 3 failures', async (t) => {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const proxy = await countingProxy(t, relay.port());
  const { gw } = await testGateway(t, proxy.port, {}, { limiter: strictLimiter(3) });
  const port = gw.ports().admin;
  // The canonical spelling reaches the relay: /%61dmin/stats is /admin/stats.
  t.is((await adminGet(port, '/%61dmin/stats', { authorization: ADMIN })).status, 200);
  for (let i = 0; i < 5; i++) t.is((await adminGet(port, '/admin/stats')).status, 401, 'a request without credentials is a probe');
  const wrong = `Basic ${Buffer.from('admin:guess').toString('base64')}`;
  for (let i = 0; i < 3; i++) t.is((await adminGet(port, '/admin/stats', { authorization: wrong })).status, 401);
  const before = proxy.connections();
  const blocked = await adminGet(port, '/admin/stats', { authorization: ADMIN });
  t.is(blocked.status, 429);
  t.true(Number(blocked.headers['retry-after']) > 100);
  t.regex(blocked.body, /GW_RATE_LIMITED/);
  t.is(proxy.connections(), before);
});
