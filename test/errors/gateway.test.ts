// Gateway refusals that only a failure behind the gateway can cause, through its source port.
// GW_UPSTREAM_TIMEOUT: the upstream's TCP handshake never completes. The upstream is a listening
// socket whose accept queue is full: a child process listens with a backlog of 1 and blocks its
// event loop before it accepts anything, two filler connections fill the queue, and the kernel
// drops every later SYN (Linux: a full accept queue drops the SYN, tcp_abort_on_overflow off), so
// the gateway's connect waits until its timeout.
// GW_INTERNAL: the credential limiter's store fails, and the gateway fails closed.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { GW_ERRORS } from '../../policies/errors.ts';
import { CredentialLimiter, type LimitState } from '../../gateway/limits/rate-limit.ts';
import { exchange, testGateway } from '../gateway/server-harness.ts';

// stdout to a pipe is synchronous on Linux: the port is out before the loop blocks for good.
const NEVER_ACCEPTS = `
const server = require('node:net').createServer();
server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  process.stdout.write(server.address().port + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});`;

async function neverAccepts(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', NEVER_ACCEPTS], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(line.toString().trim()) };
}

// The SYN drop on a full accept queue is Linux's behaviour; elsewhere the handshake may complete.
const linux = process.platform === 'linux' ? test : test.skip;

linux('GW_UPSTREAM_TIMEOUT: a source whose upstream never completes the TCP handshake gets a 504', async (t) => {
  const upstream = await neverAccepts();
  const fillers: net.Socket[] = [];
  t.teardown(() => {
    for (const f of fillers) f.destroy();
    upstream.child.kill('SIGKILL');
  });
  for (let i = 0; i < 2; i++) {
    const filler = net.connect(upstream.port, '127.0.0.1');
    fillers.push(filler);
    await once(filler, 'connect');
  }
  const { gw } = await testGateway(t, upstream.port, { limits: { headerTimeout: 1 }, source: { plainPort: 0 } });
  const auth = `Basic ${Buffer.from('source:hackme').toString('base64')}`;
  const reply = await exchange(gw.ports().sourcePlain!, `PUT /live.mp3 HTTP/1.1\r\nHost: radio.example\r\nAuthorization: ${auth}\r\nContent-Type: audio/mpeg\r\n\r\naudio`);
  t.is(reply.status, GW_ERRORS.GW_UPSTREAM_TIMEOUT.status);
  t.regex(reply.head, /^HTTP\/1\.1 504 Gateway Timeout\r\n/);
  t.regex(reply.body, /^Upstream timeout \(GW_UPSTREAM_TIMEOUT, ref [0-9a-f]{8}\)\n$/);
});

/** A limiter whose store fails on every call, as a shared store can (gateway/limits/credential-gate.ts). */
class FailingLimiter extends CredentialLimiter {
  override check(): Promise<LimitState> {
    return Promise.reject(new Error('the limiter store failed'));
  }
  override record(): Promise<LimitState> {
    return Promise.reject(new Error('the limiter store failed'));
  }
}

test('GW_INTERNAL: a credential check the limiter cannot answer fails closed with a 500', async (t) => {
  const { gw } = await testGateway(t, 9, { source: { plainPort: 0 } }, { limiter: new FailingLimiter() });
  const failures: string[] = [];
  gw.events.on('limiter-error', (e) => failures.push(e.message));
  const auth = `Basic ${Buffer.from('source:hackme').toString('base64')}`;
  const reply = await exchange(gw.ports().sourcePlain!, `PUT /live.mp3 HTTP/1.1\r\nHost: radio.example\r\nAuthorization: ${auth}\r\nContent-Type: audio/mpeg\r\n\r\n`);
  t.is(reply.status, GW_ERRORS.GW_INTERNAL.status);
  t.regex(reply.body, /^Internal error \(GW_INTERNAL, ref [0-9a-f]{8}\)\n$/);
  t.deepEqual(failures, ['the limiter store failed']);
});
