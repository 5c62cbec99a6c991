// The snapshot as rows: what each pane says, at the widths operators have, and that no row is
// ever wider than its pane or carries a control character.
import test from 'ava';
import type { StateSnapshot } from '../../contracts/control-api.ts';
import { fitColumns, headerLine, rowLine, type Column } from '../../tui/columns.ts';
import { headerLines, healthTable, listenersTable, logTable, mountsTable, securityTable, verdict, type Table } from '../../tui/view-model.ts';
import { component, listenersPage, logPage, mount, NOW, snapshot } from './fixtures.ts';

const kicked = snapshot({
  health: 'degraded',
  components: [
    component({ name: 'relay', pid: 201 }),
    component({ name: 'gateway', state: 'backoff', pid: null, nextRestartSeconds: 4, uptimeSeconds: null, restarts: 3, cpuPercent: null, rssBytes: null, lastExit: { code: null, signal: 'SIGKILL', at: '2026-03-01T11:59:50.000Z', reason: 'killed by SIGKILL' } }),
  ],
});

test('header at 80 columns: station, verdict, uptime, mounts and listeners; then the host', (t) => {
  const [first, second] = headerLines(snapshot(), { state: 'connected' }, 80, false);
  t.is(first, 'Radio Test  OK  up 2h00m  1/2 mounts live  3 listeners');
  t.is(second, 'studio-pi  cpu 12%  mem 1.5G/4G  load 0.50 0.25 0.13  rx 160k tx 1.2M  disk 45%~');
});

test('header: read-only and a lost connection are said in words', (t) => {
  const [first, second] = headerLines(snapshot(), { state: 'disconnected', reason: 'nothing answers', attempts: 2 }, 120, true);
  t.is(first, 'Radio Test  DISCONNECTED  up 2h00m  1/2 mounts live  3 listeners  READ-ONLY');
  t.is(second, 'reconnecting (attempt 2): nothing answers');
  const [waiting, host] = headerLines(null, { state: 'connecting' }, 80, false);
  t.is(waiting, 'icegate  CONNECTING');
  t.is(host, 'waiting for the supervisor');
});

const verdicts: readonly (readonly [StateSnapshot['health'] | null, string, string])[] = [
  ['ok', 'connected', 'OK'],
  ['degraded', 'connected', 'DEGRADED'],
  ['down', 'connected', 'DOWN'],
  ['ok', 'disconnected', 'DISCONNECTED'],
  [null, 'connecting', 'CONNECTING'],
];
for (const [health, state, expected] of verdicts) {
  test(`verdict: health ${health} while ${state} is ${expected}`, (t) => {
    const connection = state === 'disconnected' ? { state, reason: 'x', attempts: 1 } : { state };
    t.is<string, string>(verdict(health === null ? null : snapshot({ health }), connection as Parameters<typeof verdict>[1]), expected);
  });
}

test('mounts at 80 columns: source, format, listeners now/peak with their history, uptime, title', (t) => {
  const table = mountsTable(snapshot(), 79);
  t.is(table.header, 'MOUNT          SOURCE          FORMAT    LIS/PEAK LISTENERS      UP TITLE      ');
  t.deepEqual(
    table.rows.map((r) => r.text),
    ['/live.mp3      198.51.100.20   mp3 128k       3/7    .-==*@= 30m00s Artist - S~', '/backup.ogg    no source       -              0/2                 -            '],
  );
  t.deepEqual(table.rows.map((r) => [r.key, r.tone]), [['/live.mp3', 'plain'], ['/backup.ogg', 'warn']]);
});

test('mounts at 160 columns add output, bandwidth history, slow-listener drops and the source (tui/source-columns.ts)', (t) => {
  const header = mountsTable(snapshot(), 160).header!;
  t.regex(header, /^MOUNT +SOURCE +FORMAT +LIS\/PEAK LISTENERS +OUT BANDWIDTH +UP SLOW SILENCE +KBIT\/S +IN RECON AGENT +TITLE +$/);
  const row = mountsTable(snapshot(), 160).rows[0]!.text;
  t.regex(row, / 384k +-\*@ 30m00s +1 \? +127\/128 +27M +2 Lavf\/58\.20\.100 +Artist - Song/);
});

const mountColumnsAt: readonly (readonly [number, string])[] = [
  [100, 'MOUNT SOURCE FORMAT LIS/PEAK LISTENERS OUT BANDWIDTH UP SLOW TITLE'],
  [90, 'MOUNT SOURCE FORMAT LIS/PEAK LISTENERS OUT UP SLOW TITLE'],
  [85, 'MOUNT SOURCE FORMAT LIS/PEAK LISTENERS OUT UP TITLE'],
  [79, 'MOUNT SOURCE FORMAT LIS/PEAK LISTENERS UP TITLE'],
  [59, 'MOUNT FORMAT LIS/PEAK LISTENERS TITLE'],
  [39, 'MOUNT FORMAT LIS/PEAK'],
  [30, 'MOUNT LIS/PEAK'],
  [20, 'MOUNT LIS/PE~'],
];
for (const [width, columns] of mountColumnsAt) {
  test(`mounts at ${width} columns show ${columns}`, (t) => {
    t.is(mountsTable(snapshot(), width).header!.trim().split(/ +/).join(' '), columns);
  });
}

test('listeners: id, address, time, bytes, how they authenticated (a link by its label), user agent', (t) => {
  const table = listenersTable(listenersPage(), 79);
  t.is(table.header, '    ID IP                       TIME  SENT AUTH         USER AGENT             ');
  t.is(table.rows[0]!.text, '    10 192.0.2.10             10m00s  9.2M anonymous    VLC/3.0.18 LibVLC/3.0.~');
  t.regex(table.rows[1]!.text, / 9m00s {2}9\.2M Grandma Rose Mozilla\/5\.0 +$/);
  t.deepEqual(table.rows.map((r) => [r.key, r.ip]), [['10', '192.0.2.10'], ['11', '192.0.2.11'], ['12', '192.0.2.12']]);
});

test('health: states in words, pid, uptime, restarts, last exit, cpu, memory; the certificate', (t) => {
  const table = healthTable(kicked, 79);
  t.is(table.header, 'COMPONENT  STATE                 PID     UP RESTART  CPU   MEM LAST EXIT       ');
  t.deepEqual(
    table.rows.map((r) => [r.text, r.tone]),
    [
      ['relay      running               201  1h00m       0   2%   48M -               ', 'good'],
      ['gateway    backing off 4 s         -      -       3    -     - killed by SIGKI~', 'warn'],
      ['certificate CN=radio.example: expires in 89 days (2026-05-30), self-signed', 'plain'],
    ],
  );
});

const certificates: readonly (readonly [number, string, string])[] = [
  [89, 'expires in 89 days', 'plain'],
  [14, 'expires in 14 days', 'warn'],
  [0, 'expires in 0 days', 'warn'],
  [-3, 'expired 3 days ago', 'bad'],
];
for (const [daysLeft, words, tone] of certificates) {
  test(`health: a certificate with ${daysLeft} days left says "${words}" (${tone})`, (t) => {
    const s = snapshot();
    const row = healthTable({ ...s, security: { ...s.security, certificate: { ...s.security.certificate!, daysLeft } } }, 120).rows.at(-1)!;
    t.true(row.text.includes(words), row.text);
    t.is<string, string>(row.tone, tone);
  });
}

const acmeRows: readonly (readonly [string, Record<string, unknown>, string])[] = [
  ['valid', { selfSigned: false, issuer: 'CN=Pebble Intermediate CA', acme: { state: 'valid', nextRenewal: '2027-02-01T00:00:00.000Z', lastError: null } }, ', by CN=Pebble Intermediate CA, ACME valid, next 2027-02-01'],
  ['failing', { acme: { state: 'failing', nextRenewal: '2026-03-01T12:05:00.000Z', lastError: 'order for radio.test (challenge http-01) failed: timeout' } }, 'ACME failing, next 2026-03-01: order for radio.test (challenge http-01) failed: timeout'],
  ['ordering', { acme: { state: 'ordering', nextRenewal: null, lastError: null } }, ', self-signed, ACME ordering'],
];
for (const [name, cert, words] of acmeRows) {
  test(`health: the certificate row shows ACME ${name}`, (t) => {
    const s = snapshot();
    const row = healthTable({ ...s, security: { ...s.security, certificate: { ...s.security.certificate!, ...cert } } }, 240).rows.at(-1)!;
    t.true(row.text.includes(words), row.text);
  });
}

test('security: refusals by reason, bans with time left, newest refusals', (t) => {
  const s = snapshot();
  const table = securityTable(s.security, NOW, 100);
  t.deepEqual(
    table.rows.map((r) => r.text),
    [
      'refusals: blocked method 3, admin path 1, bad credentials 12, rate-limited 2',
      'BANNED 203.0.113.7 for 30m00s (rate-limited)',
      '11:59:00 source 203.0.113.9 bad credentials: GW_AUTH_FAILED wrong password',
    ],
  );
  t.deepEqual(table.rows.map((r) => r.ip), [undefined, '203.0.113.7', '203.0.113.9']);
  const quiet = securityTable({ ...s.security, counts: { ...s.security.counts, 'blocked-method': 0, 'admin-path': 0, 'bad-credentials': 0, 'rate-limited': 0 }, bans: [{ ip: '2001:db8:1:2::/64', until: null, reason: 'operator' }], recent: [] }, NOW, 100);
  t.deepEqual(quiet.rows.map((r) => r.text), ['refusals: none', 'BANNED 2001:db8:1:2::/64 until unbanned (operator)']);
});

test('log: newest last, stderr marked "!" and the supervisor\'s own lines "*"', (t) => {
  const page = logPage();
  page.lines.push({ at: '2026-03-01T12:00:00.000Z', stream: 'supervisor', text: 'relay killed by SIGKILL, restarting in 1 s' });
  t.deepEqual(
    logTable(page, 79).rows.map((r) => r.text),
    ['11:59:58 relay listening on 127.0.0.1:8100', '11:59:59!source connected to /live.mp3', '12:00:00*relay killed by SIGKILL, restarting in 1 s'],
  );
});

const hostile = '\x1b]0;owned\x07\x1b[2J{bold}🎙️ 東京\r\nX'.repeat(3);
const hostileSnapshot = snapshot({
  station: { name: hostile },
  mounts: [mount({ mount: `/${hostile}`, title: hostile, sourceIp: hostile })],
  components: [component({ name: hostile, lastExit: { code: 1, signal: null, at: NOW, reason: hostile } })],
  security: { ...snapshot().security, recent: [{ at: NOW, role: 'listener', ip: hostile, reason: 'other', code: hostile, detail: hostile }], bans: [{ ip: hostile, until: null, reason: hostile }] },
});
const hostilePage = { ...listenersPage(), listeners: listenersPage().listeners.map((l) => ({ ...l, userAgent: hostile, ip: hostile, username: hostile })) };
const hostileLog = { component: 'relay', lines: [{ at: NOW, stream: 'stdout' as const, text: hostile }] };

for (const width of [200, 120, 80, 60, 40, 20]) {
  test(`at ${width} columns no row is wider than the pane or carries a control or wide character`, (t) => {
    const tables: Table[] = [
      mountsTable(hostileSnapshot, width),
      listenersTable(hostilePage, width),
      healthTable(hostileSnapshot, width),
      securityTable(hostileSnapshot.security, NOW, width),
      logTable(hostileLog, width),
    ];
    for (const line of [...headerLines(hostileSnapshot, { state: 'connected' }, width, false), ...tables.flatMap((tb) => [tb.header ?? '', ...tb.rows.map((r) => r.text)])]) {
      t.true(line.length <= width, `${line.length}: ${line}`);
      t.notRegex(line, /[\x00-\x1f\x7f-\x9f]/);
      t.regex(line, /^[\x20-\x7e\u00a0-\u2027]*$/);
    }
  });
}

const columns: Column<string>[] = [
  { header: 'A', width: 4, drop: 0, cell: (r) => r },
  { header: 'B', width: 6, drop: 2, cell: () => 'bbbbbbbbb' },
  { header: 'C', width: 3, drop: 1, flex: true, cell: () => 'ccccccccccc' },
  { header: 'D', width: 2, drop: 3, align: 'right', cell: () => '7' },
];
const fits: readonly (readonly [number, string, string])[] = [
  [30, 'A    B      C                D', 'x    bbbbb~ ccccccccccc      7'],
  [18, 'A    B      C    D', 'x    bbbbb~ cc~  7'],
  [15, 'A    B      C  ', 'x    bbbbb~ cc~'],
  [10, 'A    C    ', 'x    cccc~'],
  [4, 'A   ', 'x   '],
  [2, 'A ', 'x '],
];
for (const [width, header, row] of fits) {
  test(`fitColumns at ${width}: drops by priority, then grows the flexible column`, (t) => {
    const fitted = fitColumns(columns, width);
    t.is(headerLine(fitted), header);
    t.is(rowLine(fitted, 'x'), row);
    t.true(rowLine(fitted, 'x').length <= width);
  });
}
