// The dashboard shows a silent source as silent (MountView.source, tui/source-columns.ts): the
// real blessed dashboard in tmux against a fake control API. At 80 columns "SILENT" stands before
// the source address; on a wide terminal the source's own columns show silence, bitrate, bytes in,
// reconnects and the encoder. Sound again, and the mark goes.
import test from 'ava';
import { source } from './fixtures.ts';
import { FakeControl } from './fake-control.ts';
import { Tmux, tmuxMissing } from './tmux.ts';

const serial = tmuxMissing() ? test.serial.skip : test.serial;
if (tmuxMissing()) test.skip('the dashboard screen tests need the Debian package tmux', () => {});

const line = (screen: string, text: string) => screen.split('\n').find((l) => l.includes(text)) ?? '';

const silentAgent = source({ userAgent: 'icegate-push/1', silent: true, silentSince: '2026-03-01T11:58:00.000Z', reconnects: 3 });

for (const size of [
  { width: 80, height: 24, row: /^>\/live\.mp3 +SILENT 198\.51\.~ +mp3 128k +3\/7 / },
  { width: 170, height: 40, row: /^>\/live\.mp3 +SILENT 198\.51\.~ .* SILENT +127\/128 +27M +3 icegate-push\/1 +Artist - Song/ },
]) {
  serial(`${size.width}x${size.height}: a silent source is shown as silent, and no longer once it has sound`, async (t) => {
    const fake = await FakeControl.start();
    t.teardown(() => fake.close());
    fake.snapshot = { ...fake.snapshot, mounts: fake.snapshot.mounts.map((m, i) => (i === 0 ? { ...m, source: silentAgent } : m)) };
    const tmux = Tmux.start(['--socket', fake.socketPath], { width: size.width, height: size.height });
    t.teardown(() => tmux.kill());
    let screen = await tmux.waitFor('SILENT');
    t.regex(line(screen, '/live.mp3  '), size.row);
    fake.push((s) => ({ ...s, mounts: s.mounts.map((m, i) => (i === 0 ? { ...m, source: { ...silentAgent, silent: false, silentSince: null } } : m)) }));
    screen = await tmux.waitFor((s) => !s.includes('SILENT'));
    t.regex(line(screen, '/live.mp3  '), /^>\/live\.mp3 +198\.51\.100\.20 +mp3 128k /);
    if (size.width > 120) t.regex(line(screen, '/live.mp3  '), / sound +127\/128 /);
  });
}
