// What `icegate push` does when the server is the wrong one, says no, or the command is wrong.
import test from 'ava';
import { tmpdir } from 'node:os';
import { selfSignedPaths } from '../../gateway/tls/files.ts';
import { formatSourceLink } from '../../contracts/source-link.ts';
import { pinOf } from '../../cli/source-link.ts';
import { renderError } from '../../stream/responses.ts';
import { runCli } from '../cli/run-cli.ts';
import { SECRETS } from '../helpers/relay.ts';
import { fakeSourceServer } from './fake-server.ts';
import { secondGateway, startPush, testStack } from './stack.ts';

test.serial('pin mismatch against a second gateway with another certificate: refused, never live there, no attempt seen', async (t) => {
  const stack = await testStack(t);
  const second = await secondGateway(t);
  const denies: unknown[] = [];
  second.gateway.gw.events.on('deny', (d) => denies.push(d));
  // This stack's link (its pin and password), pointed at the second gateway.
  const link = formatSourceLink({ user: 'source', password: SECRETS.sourcePassword, host: '127.0.0.1', port: second.gateway.gw.ports().source, mount: '/live.mp3', pins: [stack.pin] });
  const push = startPush(t, ['--input', 'tone', link]);
  const refused = await push.until((s) => s.state === 'refused', 20_000, 'refused');
  t.regex(refused.reason ?? '', /not the one in the link.*Nothing was sent/s);
  t.is(await push.exited, 3, 'exit status 3: never retried');
  t.false(push.statuses.some((s) => s.state === 'live'));
  t.deepEqual(denies, [], 'no refusal (so no credential check) on the second gateway');
  t.is(second.upstream.connections(), 0, 'nothing reached the second relay');
});

test.serial('pin mismatch: the wrong server receives not one byte, one connection only', async (t) => {
  const stack = await testStack(t);
  const other = await fakeSourceServer(t, renderError('RELAY_MOUNT_IN_USE'));
  const link = formatSourceLink({ user: 'source', password: SECRETS.sourcePassword, host: '127.0.0.1', port: other.port, mount: '/live.mp3', pins: [stack.pin] });
  const push = startPush(t, ['--input', 'tone', link]);
  await push.until((s) => s.state === 'refused', 20_000, 'refused');
  t.is(await push.exited, 3);
  t.is(other.connections(), 1, 'one connection, no retry');
  t.is(other.received().length, 0, 'the wrong server received no byte, so no credential');
});

test.serial('a pin that matches the next pin is accepted; a link without pin needs a trusted certificate', async (t) => {
  const stack = await testStack(t);
  const other = await fakeSourceServer(t, null);
  const nextPinLink = stack.link('/next.mp3', { pins: [pinOf(other.certPem), stack.pin] });
  const push = startPush(t, ['--input', 'tone', nextPinLink]);
  await push.until((s) => s.state === 'live', 20_000, 'live with the next pin');
  t.is(await push.stop(), 0);

  const noPin = stack.link('/ca.mp3', { pins: [] });
  const untrusted = startPush(t, ['--input', 'tone', noPin]);
  const refused = await untrusted.until((s) => s.state === 'refused', 20_000, 'refused without a pin');
  t.regex(refused.reason ?? '', /not trusted.*no pin/);
  t.is(await untrusted.stop(), 0);

  const trusted = startPush(t, ['--input', 'tone', noPin], { NODE_EXTRA_CA_CERTS: selfSignedPaths(stack.gateway.stateDir).cert });
  await trusted.until((s) => s.state === 'live', 20_000, 'live with CA verification');
  t.is(await trusted.stop(), 0);
});

test.serial('wrong password: refused, the message names the credential, retried slowly', async (t) => {
  const stack = await testStack(t);
  const push = startPush(t, ['--input', 'tone', stack.link('/live.mp3', { password: 'not-the-password' })]);
  const refused = await push.until((s) => s.state === 'refused', 20_000, 'refused');
  t.regex(refused.reason ?? '', /401.*source password for user "source" on \/live\.mp3 is wrong/);
  await push.until(() => /trying again in (\d+) s/.test(push.stderr()), 5000, 'the retry notice');
  const seconds = Number(/refused: .*trying again in (\d+) s/.exec(push.stderr())?.[1]);
  t.true(seconds >= 20, `retry in ${seconds} s`);
  t.is(push.child.exitCode, null, 'still running');
  t.is(await push.stop(), 0);
});

test.serial('Mountpoint in use: refused with the reason', async (t) => {
  const server = await fakeSourceServer(t, renderError('RELAY_MOUNT_IN_USE'));
  const link = formatSourceLink({ user: 'source', password: 'pw-123456', host: '127.0.0.1', port: server.port, mount: '/live.mp3', pins: [pinOf(server.certPem)] });
  const push = startPush(t, ['--input', 'tone', link]);
  const refused = await push.until((s) => s.state === 'refused', 20_000, 'refused');
  t.regex(refused.reason ?? '', /403 .*Mountpoint in use/);
  const head = server.received().toString('latin1');
  t.regex(head, /^PUT \/live\.mp3 HTTP\/1\.1\r\n/);
  t.regex(head, /\r\nExpect: 100-continue\r\n/);
  t.regex(head, /\r\nContent-Type: audio\/mpeg\r\n/);
  t.notRegex(head, /Content-Length|Transfer-Encoding/i);
  t.is(await push.stop(), 0);
});

const bad = [
  { title: 'ffmpeg missing names how to get one', args: ['--ffmpeg', '/nonexistent/ffmpeg', '--input', 'tone', 'LINK'], code: 1, stderr: /ffmpeg was not found.*apt-get install ffmpeg.*npm install/ },
  { title: 'an unknown ALSA device lists the inputs', args: ['--input', 'alsa:hw:9,9', 'LINK'], code: 1, stderr: /input could not be opened[\s\S]*Inputs on this machine[\s\S]*tone[\s\S]*file:PATH/ },
  { title: 'a link with a bad port names the port', args: ['icegate+tls://source:pw@127.0.0.1:99999/live.mp3'], code: 1, stderr: /source link: port: "99999"/ },
  { title: 'a link with a short pin names the pin', args: ['icegate+tls://source:pw@127.0.0.1:8001/live.mp3#pin-sha256=abc'], code: 1, stderr: /source link: pin: "abc" is not a base64 SHA-256/ },
  { title: 'an https URL names the scheme', args: ['https://source:pw@127.0.0.1:8001/live.mp3'], code: 1, stderr: /source link: scheme: must start with icegate\+tls:\/\// },
  { title: 'an unknown input kind', args: ['--input', 'mic', 'LINK'], code: 1, stderr: /--input "mic" is not one of tone/ },
  { title: 'no link', args: ['--input', 'tone'], code: 2, stderr: /give the LINK/ },
];

for (const c of bad) {
  test(`bad input: ${c.title}`, async (t) => {
    const link = formatSourceLink({ user: 'source', password: 'pw-123456', host: '127.0.0.1', port: 9, mount: '/live.mp3', pins: [] });
    const run = await runCli(['push', ...c.args.map((a) => (a === 'LINK' ? link : a))], tmpdir());
    t.is(run.code, c.code, run.stderr);
    t.regex(run.stderr, c.stderr);
  });
}
