// A control-API snapshot with everything the dashboard shows, for pure tests and the fake
// control server. Times are fixed so rendered text is stable.
import type { ComponentView, ListenersPage, LogPage, MountView, SourceView, StateSnapshot } from '../../contracts/control-api.ts';

export const NOW = '2026-03-01T12:00:00.000Z';

export function component(partial: Partial<ComponentView> & Pick<ComponentView, 'name'>): ComponentView {
  return {
    kind: partial.name === 'relay' || partial.name === 'gateway' ? partial.name : 'command',
    state: 'running',
    pid: 4242,
    startedAt: '2026-03-01T11:00:00.000Z',
    uptimeSeconds: 3600,
    restarts: 0,
    lastExit: null,
    nextRestartSeconds: null,
    cpuPercent: 1.5,
    rssBytes: 48 * 1024 * 1024,
    ...partial,
  };
}

export function mount(partial: Partial<MountView> & Pick<MountView, 'mount'>): MountView {
  return {
    live: true,
    hidden: false,
    sourceKind: 'source',
    sourceIp: '198.51.100.20',
    userAgent: 'Lavf/58.20.100',
    contentType: 'audio/mpeg',
    format: 'mp3',
    bitrate: 128,
    name: 'Live',
    title: 'Artist - Song',
    streamStart: '2026-03-01T11:30:00.000Z',
    listeners: 3,
    listenerPeak: 7,
    slowListeners: 1,
    bytesSent: 5_000_000,
    listenerHistory: [0, 1, 2, 3, 3, 5, 7, 3],
    bandwidthHistory: [0, 16000, 32000, 48000],
    source: partial.live === false ? null : source({}),
    ...partial,
  };
}

/** A live source as an encoder that does not report silence (ffmpeg) shows it. */
export function source(partial: Partial<SourceView>): SourceView {
  return {
    kind: 'source',
    connectedAt: '2026-03-01T11:30:00.000Z',
    ip: '198.51.100.20',
    userAgent: 'Lavf/58.20.100',
    bytesIn: 28_800_000,
    measuredKbps: 127,
    declaredKbps: 128,
    reconnects: 2,
    silent: null,
    silentSince: null,
    ...partial,
  };
}

export function snapshot(partial: Partial<StateSnapshot> = {}): StateSnapshot {
  return {
    seq: 1,
    station: { name: 'Radio Test' },
    supervisor: { pid: 100, startedAt: '2026-03-01T10:00:00.000Z', readOnly: false, configFile: '/etc/icegate/gateway.yaml' },
    now: NOW,
    historyIntervalSeconds: 5,
    health: 'ok',
    components: [component({ name: 'relay', pid: 201 }), component({ name: 'gateway', pid: 202 })],
    host: {
      hostname: 'studio-pi',
      cpuPercent: 12.4,
      load: [0.5, 0.25, 0.125],
      memory: { totalBytes: 4 * 1024 ** 3, usedBytes: 1.5 * 1024 ** 3 },
      network: { rxBytesPerSecond: 20_000, txBytesPerSecond: 150_000 },
      disk: { path: '/var/lib/icegate', totalBytes: 100, usedBytes: 45 },
      uptimeSeconds: 90061,
    },
    mounts: [mount({ mount: '/live.mp3' }), mount({ mount: '/backup.ogg', live: false, sourceKind: null, sourceIp: null, format: null, bitrate: null, title: '', streamStart: null, listeners: 0, listenerPeak: 2, slowListeners: 0, listenerHistory: [], bandwidthHistory: [] })],
    security: {
      counts: { 'blocked-method': 3, 'admin-path': 1, 'bad-credentials': 12, 'rate-limited': 2, banned: 0, 'bad-request': 0, other: 0 },
      recent: [{ at: '2026-03-01T11:59:00.000Z', role: 'source', ip: '203.0.113.9', reason: 'bad-credentials', code: 'GW_AUTH_FAILED', detail: 'wrong password' }],
      bans: [{ ip: '203.0.113.7', until: '2026-03-01T12:30:00.000Z', reason: 'rate-limited' }],
      certificate: { subject: 'CN=radio.example', issuer: 'CN=radio.example', acme: null, notAfter: '2026-05-30T00:00:00.000Z', daysLeft: 89, selfSigned: true },
    },
    audit: [],
    ...partial,
  };
}

export function listenersPage(mountName = '/live.mp3', count = 3): ListenersPage {
  const listeners = Array.from({ length: count }, (_, i) => ({
    id: 10 + i,
    mount: mountName,
    ip: `192.0.2.${10 + i}`,
    userAgent: i === 0 ? 'VLC/3.0.18 LibVLC/3.0.18' : 'Mozilla/5.0',
    connectedAt: '2026-03-01T11:50:00.000Z',
    seconds: 600 - i * 60,
    bytesSent: 9_600_000,
    auth: i === 1 ? 'token' : 'anonymous',
    username: null,
    linkId: i === 1 ? 'k7Qm2xPa' : null,
    linkLabel: i === 1 ? 'Grandma Rose' : null,
  }));
  return { mount: mountName, total: count, listeners };
}

export function logPage(component = 'relay'): LogPage {
  return {
    component,
    lines: [
      { at: '2026-03-01T11:59:58.000Z', stream: 'stdout', text: `${component} listening on 127.0.0.1:8100` },
      { at: '2026-03-01T11:59:59.000Z', stream: 'stderr', text: 'source connected to /live.mp3' },
    ],
  };
}
