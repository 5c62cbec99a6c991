// Each mount's live source in the mounts pane (MountView.source, docs/api.md#sources): "SILENT"
// before the source address when an `icegate push` agent reports silence (shown at every width
// the SOURCE column is), and columns for silence, bitrate measured/declared, bytes in,
// reconnects and the encoder's user agent, dropped before every other column as the terminal
// narrows. The UP column already says how long the source has been connected. Everything from
// the network is sanitised. Pure.
import type { MountView } from '../contracts/control-api.ts';
import type { Column } from './columns.ts';
import { formatBytes, type Tone } from './format.ts';
import { sanitise } from './sanitise.ts';

/** SILENT, sound, or ? when the source does not report silence (ffmpeg, a pull); - without a source. */
export function silenceWords(m: MountView): string {
  const s = m.source;
  if (!m.live || s === null || s === undefined) return '-';
  return s.silent === null ? '?' : s.silent ? 'SILENT' : 'sound';
}

/** "SILENT " before the SOURCE column's words while the agent reports silence. */
export function silentMark(m: MountView): string {
  return m.live && m.source?.silent === true ? 'SILENT ' : '';
}

/** A silent source is as bad as none: the listeners hear nothing. */
export function sourceTone(m: MountView): Tone {
  if (!m.live) return 'warn';
  return m.source?.silent === true ? 'bad' : 'plain';
}

const kbps = (value: number | null | undefined): string => (value === null || value === undefined ? '-' : String(value));

export function sourceColumns(): Column<MountView>[] {
  return [
    { header: 'SILENCE', width: 7, drop: 9, cell: silenceWords },
    { header: 'KBIT/S', width: 7, drop: 10, align: 'right', cell: (m) => (m.source ? `${kbps(m.source.measuredKbps)}/${kbps(m.source.declaredKbps)}` : '-') },
    { header: 'IN', width: 5, drop: 11, align: 'right', cell: (m) => (m.source ? formatBytes(m.source.bytesIn) : '-') },
    { header: 'RECON', width: 5, drop: 12, align: 'right', cell: (m) => (m.source ? String(m.source.reconnects) : '-') },
    { header: 'AGENT', width: 14, drop: 13, cell: (m) => sanitise(m.source?.userAgent ?? '-', 60) },
  ];
}
