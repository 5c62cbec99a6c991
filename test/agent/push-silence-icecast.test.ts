// Silence reports against a real, unchanged Icecast 2.4 (the Debian package icecast2) behind the
// gateway: the push goes live and stays live, Icecast answers the unknown mode "No such action"
// and changes nothing, and the agent says once that this server does not take silence reports
// (docs/push.md#silence-on-the-server) and keeps pushing.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinOf } from '../../cli/source-link.ts';
import { formatSourceLink } from '../../contracts/source-link.ts';
import { selfSignedPaths } from '../../gateway/tls/files.ts';
import { FFMPEG } from '../helpers/ffmpeg.ts';
import { ICECAST2, ICECAST2_PASSWORDS, startIcecast2 } from '../helpers/icecast2.ts';
import { until } from '../helpers/relay.ts';
import { testGateway } from '../gateway/server-harness.ts';
import { startPush } from './stack.ts';

if (!ICECAST2) {
  test.skip('silence reports to icecast2 — skipped: install the Debian package icecast2', () => {});
} else {
  test('a real Icecast does not take silence reports: the agent says so once and stays live', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'icegate-silence-icecast-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    spawnSync(FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=channel_layout=stereo:sample_rate=44100', '-t', '2', '-c:a', 'pcm_s16le', join(dir, 'silent.wav')]);
    const ice = await startIcecast2();
    t.teardown(() => ice.stop());
    const { gw, stateDir } = await testGateway(t, ice.port);
    const pin = pinOf(await readFile(selfSignedPaths(stateDir).cert, 'utf8'));
    const link = formatSourceLink({ user: 'source', password: ICECAST2_PASSWORDS.source, host: '127.0.0.1', port: gw.ports().source, mount: '/live.mp3', pins: [pin] });
    const push = startPush(t, ['--input', `file:${join(dir, 'silent.wav')}`, '--silence-after', '1', link]);
    await push.until((s) => s.state === 'live' && s.silent, 30_000, 'live and silent');
    await until(() => /does not take silence reports/.test(push.stderr()), 20_000, 'the agent saying so');
    t.regex(push.stderr(), /the server does not take silence reports \(No such action/);
    t.is(push.stderr().match(/does not take silence reports/g)!.length, 1, 'said once');
    const live = await push.until((s) => s.state === 'live', 10_000, 'still live');
    t.is(live.reconnects, 0);
    t.is(await push.stop(), 0);
  });
}
