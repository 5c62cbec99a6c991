// The supervisor ↔ component contract (contracts/ipc.ts): every message is checked on receipt on
// both sides; what does not match is logged and ignored, never acted on, never a crash.
import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { defaultConfig } from '../../config/load.ts';
import { answer, ChildError, parseChildMessage, parseRequest, readOverrides, type ChildMessage, type SupervisorRequest } from '../../contracts/ipc.ts';
import { ChildChannel, MAX_PENDING } from '../../supervisor/child-channel.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

const req = (method: string, params: unknown, id: unknown = 1) => ({ type: 'request', id, method, params });

const requests: [string, unknown, boolean][] = [
  ['ping', req('ping', {}), true],
  ['kick with a numeric id', req('kick', { mount: '/live.mp3', id: 7 }), true],
  ['ban without an end', req('ban', { ip: '203.0.113.7', seconds: null }), true],
  ['reload with a configuration', req('reload', { config: defaultConfig('/srv') }), true],
  ['an unknown method', req('format-disk', {}), false],
  ['params missing', { type: 'request', id: 1, method: 'listeners' }, false],
  ['a mount that is not a string', req('listeners', { mount: 5 }), false],
  ['a listener id that is a string', req('kick', { mount: '/a', id: '7' }), false],
  ['a title over 4096 characters', req('metadata', { mount: '/a', title: 'x'.repeat(5000) }), false],
  ['ban for zero seconds', req('ban', { ip: '203.0.113.7', seconds: 0 }), false],
  ['reload with something that is not a configuration', req('reload', { config: { relay: {} } }), false],
  ['extra keys on ping', req('ping', { x: 1 }), false],
  ['id 0', req('ping', {}, 0), false],
  ['not a request', { type: 'response', id: 1 }, false],
  ['null', null, false],
  ['a string', 'ping', false],
];
for (const [name, message, valid] of requests) {
  test(`supervisor → child: ${name} is ${valid ? 'accepted' : 'rejected'}`, (t) => {
    const r = parseRequest(message);
    t.is(r.ok, valid, r.ok ? '' : r.error);
  });
}

const childMessages: [string, unknown, boolean][] = [
  ['ready with ports', { type: 'ready', ports: { relay: 8000, shoutcast: null } }, true],
  ['an answer', { type: 'response', id: 3, ok: true, result: { any: 'thing' } }, true],
  ['a refusal', { type: 'response', id: 3, ok: false, code: 'reload-refused', message: 'no' }, true],
  ['ready with a port that is a string', { type: 'ready', ports: { relay: '8000' } }, false],
  ['ready with a port out of range', { type: 'ready', ports: { relay: 70_000 } }, false],
  ['an answer without an id', { type: 'response', ok: true, result: 1 }, false],
  ['a refusal without a code', { type: 'response', id: 3, ok: false, message: 'no' }, false],
  ['an unknown type', { type: 'hello' }, false],
  ['an array', [1, 2], false],
];
for (const [name, message, valid] of childMessages) {
  test(`child → supervisor: ${name} is ${valid ? 'accepted' : 'rejected'}`, (t) => {
    t.is(parseChildMessage(message).ok, valid);
  });
}

test('child side: an invalid request is logged, answered bad-request when it has an id, and never handled', (t) => {
  const handled: SupervisorRequest[] = [];
  const logged: string[] = [];
  const replies: ChildMessage[] = [];
  answer(req('kick', { mount: '/a', id: 'x' }, 9), (r) => handled.push(r), (l) => logged.push(l), (m) => replies.push(m));
  answer({ nonsense: true }, (r) => handled.push(r), (l) => logged.push(l), (m) => replies.push(m));
  t.deepEqual(handled, []);
  t.is(logged.length, 2);
  t.regex(logged[0]!, /ignored an invalid message from the supervisor \(params\.id: /);
  t.is(replies.length, 1);
  t.like(replies[0], { type: 'response', id: 9, ok: false, code: 'bad-request' });
});

test('child side: a valid request is handled; a thrown ChildError goes back with its code', async (t) => {
  const replies: ChildMessage[] = [];
  const done = new Promise<void>((resolve) => {
    const reply = (m: ChildMessage): void => {
      replies.push(m);
      if (replies.length === 2) resolve();
    };
    answer(req('ping', {}, 1), () => 'pong', () => t.fail(), reply);
    answer(req('unban', { ip: '203.0.113.7' }, 2), () => {
      throw new ChildError('not-banned', '203.0.113.7 was not banned');
    }, () => t.fail(), reply);
  });
  await done;
  t.deepEqual(replies.find((r) => r.type === 'response' && r.id === 1), { type: 'response', id: 1, ok: true, result: 'pong' });
  t.like(replies.find((r) => r.type === 'response' && r.id === 2), { ok: false, code: 'not-banned', message: '203.0.113.7 was not banned' });
});

test('overrides: valid JSON of the right shape is read, anything else is none', (t) => {
  t.deepEqual(readOverrides({ ICEGATE_SUPERVISED: JSON.stringify({ relayPort: 8100, gatewayPorts: { listener: 8000 } }) }), { relayPort: 8100, gatewayPorts: { listener: 8000 } });
  t.deepEqual(readOverrides({ ICEGATE_SUPERVISED: JSON.stringify({ relayPort: 'x' }) }), {});
  t.deepEqual(readOverrides({ ICEGATE_SUPERVISED: '{not json' }), {});
  t.deepEqual(readOverrides({}), {});
});

/** A child process as the channel sees it: messages in, sends recorded. */
class FakeChild extends EventEmitter {
  connected = true;
  sent: SupervisorRequest[] = [];
  send(message: SupervisorRequest, cb: (err: Error | null) => void): boolean {
    this.sent.push(message);
    cb(null);
    return true;
  }
}

function channel() {
  const child = new FakeChild();
  const clock = new FakeClock();
  const invalid: string[] = [];
  const ready: unknown[] = [];
  const ch = new ChildChannel('relay', child as unknown as ChildProcess, clock, { ready: (p) => ready.push(p), invalid: (p) => invalid.push(p) });
  return { child, clock, invalid, ready, ch };
}

test('supervisor side: answers resolve by id, an invalid message is reported and changes nothing', async (t) => {
  const { child, invalid, ready, ch } = channel();
  const answered = ch.request('listeners', { mount: '/live.mp3' }, 1000);
  const id = child.sent[0]!.id;
  child.emit('message', { type: 'response', id: 'one', ok: true, result: [] });
  child.emit('message', { type: 'ready', ports: { relay: 'x' } });
  t.is(invalid.length, 2);
  t.deepEqual(ready, []);
  t.is(ch.pending, 1);
  child.emit('message', { type: 'response', id, ok: true, result: ['a listener'] });
  t.deepEqual(await answered, ['a listener']);
  child.emit('message', { type: 'ready', ports: { relay: 8000 } });
  t.deepEqual(ready, [{ relay: 8000 }]);
});

test('supervisor side: a refusal rejects with the child\'s code; no answer in time rejects on the clock', async (t) => {
  const { child, clock, ch } = channel();
  const refused = ch.request('reload', { config: defaultConfig('/srv') }, 1000);
  child.emit('message', { type: 'response', id: child.sent[0]!.id, ok: false, code: 'reload-refused', message: 'gateway settings unchanged' });
  await t.throwsAsync(refused, { message: 'gateway settings unchanged' });
  const silent = ch.request('ping', {}, 1000);
  clock.advance(999);
  t.is(ch.pending, 1);
  clock.advance(1);
  await t.throwsAsync(silent, { message: /did not answer in time/ });
  t.is(ch.pending, 0);
});

test('supervisor side: requests in flight are bounded, and all fail when the child is gone', async (t) => {
  const { ch } = channel();
  const inFlight = Array.from({ length: MAX_PENDING }, () => ch.request('ping', {}, 60_000));
  await t.throwsAsync(ch.request('ping', {}, 60_000), { message: /busy/ });
  ch.close();
  const results = await Promise.allSettled(inFlight);
  t.true(results.every((r) => r.status === 'rejected'));
  t.is(ch.pending, 0);
});
