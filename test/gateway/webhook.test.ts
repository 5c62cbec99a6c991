// The webhook's wire format (Icecast URL auth, docs/icecast-compatibility.md#url-authentication) and how an answer reads.
import test from 'ava';
import { answerOf, listenerAddBody, listenerRemoveBody, postWebhook, type ListenerFields, type WebhookAnswer } from '../../gateway/listener-auth/webhook-client.ts';

const FIELDS: ListenerFields = { server: 'radio.example', port: 8000, client: '83', mount: '/live.mp3?session=xyz', user: 'carol', pass: 'p&w=d', ip: '127.0.0.1', agent: '-' };

test('listener_add: form-encoded, in Icecast\'s field order', (t) => {
  const body = listenerAddBody(FIELDS);
  t.deepEqual([...new URLSearchParams(body).keys()], ['action', 'server', 'port', 'client', 'mount', 'user', 'pass', 'ip', 'agent']);
  t.deepEqual(Object.fromEntries(new URLSearchParams(body)), { action: 'listener_add', ...FIELDS, port: '8000' });
  t.false(body.includes('p&w'), 'values are escaped');
});

test('listener_remove adds the duration in seconds', (t) => {
  const fields = new URLSearchParams(listenerRemoveBody(FIELDS, 5));
  t.is(fields.get('action'), 'listener_remove');
  t.is(fields.get('duration'), '5');
  t.is(fields.get('client'), '83');
});

const reads = test.macro({
  exec(t, status: number, header: string | string[] | undefined, kind: WebhookAnswer['kind']) {
    t.is(answerOf(status, header).kind, kind);
  },
  title: (title = '', status: number, header: unknown, kind: string) => `${status} with icecast-auth-user ${JSON.stringify(header)} is ${kind}${title}`,
});
test(reads, 200, '1', 'allow');
test(reads, 204, ' 1 ', 'allow');
test(reads, 200, ['1', '0'], 'allow');
test(reads, 200, undefined, 'deny');
test(reads, 200, '0', 'deny');
test(reads, 200, '11', 'deny');
test(reads, 403, '1', 'deny');
test(reads, 302, '1', 'deny');
test(reads, 500, '1', 'unavailable');
test(reads, 503, undefined, 'unavailable');

test('a header value Node refuses to send is "unavailable", not a throw', async (t) => {
  const answer = await postWebhook({ url: 'http://127.0.0.1:1/', timeout: 1, headers: { 'X-Key': 'a\nb' } }, '');
  t.is(answer.kind, 'unavailable');
});
