// The gateway's hold figures on their way to the operator: the supervisor's view of the gateway's
// IPC report (supervisor/hold-view.ts) and the health pane's line (tui/hold-line.ts), as tables,
// and that line in the dashboard's frame at the two sizes it is designed for.
import test from 'ava';
import { holdView } from '../../supervisor/hold-view.ts';
import { holdLine } from '../../tui/hold-line.ts';
import { healthTable } from '../../tui/view-model.ts';
import type { HoldView, StateSnapshot } from '../../contracts/control-api.ts';
import { Dashboard } from '../../tui/dashboard.ts';
import { buildFrame } from '../../tui/frame.ts';
import { listenersPage, logPage, snapshot } from '../tui/fixtures.ts';

const figures = {
  sourcesHeld: 1,
  sourceHolds: 3,
  sourcesResumed: 2,
  sourcesReleased: 0,
  playersHeld: 2,
  playerHolds: 6,
  sourceHoldMs: 2450,
  playerHoldMs: 7300,
  longestHoldMs: 1260,
  bytesDropped: 20480,
  takeovers: 1,
  lastTakeover: { mount: '/live.mp3', at: Date.UTC(2026, 0, 2, 12, 3, 4) },
};

const reports = [
  { name: 'a full report', report: figures, want: { sourceHoldSeconds: 2.5, playerHoldSeconds: 7.3, longestHoldSeconds: 1.3, takeovers: 1, lastTakeover: { mount: '/live.mp3', at: '2026-01-02T12:03:04.000Z' } } },
  { name: 'an older gateway without takeovers', report: { ...figures, takeovers: undefined, lastTakeover: undefined }, want: { takeovers: 0, lastTakeover: null } },
  { name: 'nothing', report: undefined, want: null },
  { name: 'a negative count', report: { ...figures, sourcesHeld: -1 }, want: null },
  { name: 'not an object', report: 'held', want: null },
];
for (const row of reports) {
  test(`hold view: ${row.name}`, (t) => {
    const view = holdView(row.report);
    if (row.want === null) t.is(view, null);
    else t.like(view, row.want);
  });
}

const quiet: HoldView = { sourcesHeld: 0, playersHeld: 0, sourceHolds: 0, playerHolds: 0, sourcesResumed: 0, sourcesReleased: 0, sourceHoldSeconds: 0, playerHoldSeconds: 0, longestHoldSeconds: 0, bytesDropped: 0, takeovers: 0, lastTakeover: null };
const lines = [
  { name: 'no report', hold: null, want: null },
  { name: 'nothing ever held', hold: quiet, want: null },
  { name: 'held now', hold: holdView(figures), want: { tone: 'warn', text: /^HELD NOW 1 source, 2 players; holds 3 src \(2 back, 0 let go\) 6 players, longest 1\.3 s; dropped 20K; takeovers 1 \(last \/live\.mp3 12:03:04\)$/ } },
  { name: 'a takeover only', hold: { ...quiet, takeovers: 2 }, want: { tone: 'plain', text: /^held now: none; .*takeovers 2$/ } },
  { name: 'a title with escapes in the mount', hold: { ...quiet, takeovers: 1, lastTakeover: { mount: '/x\u001b[2J', at: '2026-01-02T12:03:04.000Z' } }, want: { tone: 'plain', text: /takeovers 1 \(last \/x[^\u001b]*12:03:04\)$/ } },
] as const;
for (const row of lines) {
  test(`health pane hold line: ${row.name}`, (t) => {
    const line = holdLine(row.hold, 200);
    if (row.want === null) return t.is(line, null);
    t.is(line?.tone, row.want.tone);
    t.regex(line?.text ?? '', row.want.text);
  });
}

test('the health pane shows the hold line after the components, cut to the width', (t) => {
  const snapshot = { components: [], security: { certificate: null }, hold: holdView(figures) } as unknown as StateSnapshot;
  const table = healthTable(snapshot, 40);
  t.is(table.rows.length, 1);
  t.is(table.rows[0]!.key, 'hold');
  t.true(table.rows[0]!.text.length <= 40);
});

for (const [width, height] of [[120, 40], [80, 24]] as const) {
  test(`the dashboard at ${width}x${height} shows the hold line in its health pane`, (t) => {
    const unused = (): Promise<never> => Promise.reject(new Error('not in this test'));
    const d = new Dashboard(
      {
        listeners: async (m) => listenersPage(m),
        logs: async (c) => logPage(c),
        links: async () => ({ links: [] }),
        kick: unused,
        killSource: unused,
        metadata: unused,
        restart: unused,
        ban: unused,
        unban: unused,
        reload: unused,
        createLink: unused,
        revokeLink: unused,
        listenerUsers: async () => ({ files: [] }),
        setListenerUser: unused,
        deleteListenerUser: unused,
      },
      { readOnly: true, onChange: () => {} },
    );
    d.resize(width, height);
    d.setConnection({ state: 'connected' });
    d.setSnapshot(snapshot({ hold: holdView(figures) }));
    const frame = buildFrame(d);
    t.is(frame.kind, 'panes');
    const health = frame.kind === 'panes' ? frame.blocks.find((b) => b.id === 'health') : undefined;
    const text = health?.lines.map((l) => l.text).join('\n') ?? '';
    t.regex(text, /HELD NOW 1 source, 2 players; holds 3 src/, text);
  });
}
