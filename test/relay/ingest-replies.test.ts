// What a source client gets back, byte for byte (docs/icecast-compatibility.md#error-replies):
// credentials, Content-Type, framing, Expect, the protocol token and the method's case.
import test from 'ava';
import type { RelayEvents } from '../../stream/context.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { testRelay } from '../helpers/relay.ts';
import { RawClient, SOURCE_401, SOURCE_AUTH, SOURCE_OK, errorReply, masked, sourceHead } from './ingest-kit.ts';

type Recorded = { auth: RelayEvents['auth-failure'][0] } | { connect: RelayEvents['source-connect'][0] };

function record(relay: RunningRelay): Recorded[] {
  const events: Recorded[] = [];
  relay.ctx.events.on('auth-failure', (auth) => events.push({ auth }));
  relay.ctx.events.on('source-connect', (connect) => events.push({ connect }));
  return events;
}

const basic = (user: string, password: string): string => `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const authFailure = (probe: boolean): Recorded => ({ auth: { channel: 'source', ip: '127.0.0.1', mount: '/m', probe } });
const connected: Recorded = { connect: { mount: '/m', ip: '127.0.0.1', takeover: false } };

interface Refused {
  request: string;
  reply: string;
  events: Recorded[];
}

const refused = test.macro(async (t, { request, reply, events }: Refused) => {
  const relay = await testRelay();
  const seen = record(relay);
  try {
    const client = new RawClient(relay.port(), request);
    t.is(masked(await client.untilClosed()), reply);
    t.deepEqual(seen, events);
    t.false(relay.ctx.registry.get('/m')?.live ?? false);
  } finally {
    await relay.close();
  }
});

test('wrong password: 401 advertising PUT, a failed login', refused, {
  request: sourceHead('PUT /m HTTP/1.1', ['Host: 127.0.0.1', basic('source', 'wrong-password'), 'Content-Type: audio/mpeg']),
  reply: SOURCE_401,
  events: [authFailure(false)],
});

test('wrong user: 401, a failed login', refused, {
  request: sourceHead('SOURCE /m HTTP/1.0', [basic('dj', 'hackme-source'), 'Content-Type: audio/mpeg']),
  reply: SOURCE_401,
  events: [authFailure(false)],
});

test("libshout's unauthenticated probe: the same 401, counted as a probe", refused, {
  request: sourceHead('SOURCE /m HTTP/1.0', [
    'Host: 127.0.0.1:8000',
    'User-Agent: libshout/2.4.6',
    'Content-Type: audio/mpeg',
    'Content-Length: 0',
    'Connection: Keep-Alive',
    'ice-public: 0',
  ]),
  reply: SOURCE_401,
  events: [authFailure(true)],
});

test('PUT without Content-Type', refused, {
  request: sourceHead('PUT /m HTTP/1.1', ['Host: 127.0.0.1', `Authorization: ${SOURCE_AUTH}`, 'Expect: 100-continue']),
  reply: errorReply('HTTP/1.0 403 Forbidden', 'No Content-type given'),
  events: [],
});

test('PUT with both Content-Length and Transfer-Encoding', refused, {
  request: sourceHead('PUT /m HTTP/1.1', ['Host: 127.0.0.1', `Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/mpeg', 'Content-Length: 10', 'Transfer-Encoding: chunked']),
  reply: errorReply('HTTP/1.0 400 Bad Request', 'Bad request'),
  events: [],
});

test('chunked PUT in HTTP/1.0', refused, {
  request: sourceHead('PUT /m HTTP/1.0', [`Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/mpeg', 'Transfer-Encoding: chunked']),
  reply: errorReply('HTTP/1.0 400 Bad Request', 'Bad request'),
  events: [],
});

interface Accepted {
  request: string;
  reply: string;
  contentType: string;
}

const accepted = test.macro(async (t, { request, reply, contentType }: Accepted) => {
  const relay = await testRelay();
  const seen = record(relay);
  try {
    const client = new RawClient(relay.port(), request);
    await client.waitForBytes(reply.length, 'the reply');
    t.is(client.received.toString('latin1'), reply);
    t.false(client.isClosed);
    const mount = relay.ctx.registry.get('/m');
    t.true(mount?.live);
    t.is(mount?.contentType, contentType);
    t.deepEqual(seen, [connected]);
    client.socket.destroy();
  } finally {
    await relay.close();
  }
});

test('Expect: 100-continue gets 100 then the bare 200 at once', accepted, {
  request: sourceHead('PUT /m HTTP/1.1', ['Host: 127.0.0.1', `Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/mpeg', 'Expect: 100-continue']),
  reply: 'HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\n\r\n',
  contentType: 'audio/mpeg',
});

test('SOURCE without Content-Type is MP3', accepted, {
  request: sourceHead('SOURCE /m HTTP/1.0', [`Authorization: ${SOURCE_AUTH}`]),
  reply: SOURCE_OK,
  contentType: 'audio/mpeg',
});

test('the ICE/1.0 protocol token', accepted, {
  request: sourceHead('SOURCE /m ICE/1.0', [`Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/aac']),
  reply: SOURCE_OK,
  contentType: 'audio/aac',
});

test('a lower-case method', accepted, {
  request: sourceHead('source /m HTTP/1.0', [`Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/ogg']),
  reply: SOURCE_OK,
  contentType: 'audio/ogg',
});

test('a type Icecast 2.4.4 has no handler for is streamed as is', accepted, {
  request: sourceHead('PUT /m HTTP/1.1', ['Host: 127.0.0.1', `Authorization: ${SOURCE_AUTH}`, 'Content-Type: foo/bar']),
  reply: SOURCE_OK,
  contentType: 'foo/bar',
});
