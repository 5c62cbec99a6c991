// The admin API's replies, element names and casing exactly as Icecast 2.4.4's src/admin.c and
// src/stats.c write them (docs/icecast-compatibility.md#admin-commands and #statistics-xml): tools parse <Listeners>, <IP>,
// <UserAgent>, <Connected>, <ID> as spelt. Pure: built from stats snapshots and the time.
import type { ListenerStats, MountStats } from '../../stream/types.ts';
import { byName, type IceStats } from '../status/icestats.ts';
import { element, escapeXml, textElement, xmlDocument, type XmlElement } from './xml.ts';

const seconds = (now: number, since: number): number => Math.max(0, Math.floor((now - since) / 1000));

/** /admin/stats: global fields, then one <source mount="…"> per live source. */
export function statsDocument(stats: IceStats): string {
  const children: XmlElement[] = stats.global.map(([k, v]) => textElement(k, v));
  for (const s of stats.sources) {
    children.push(element('source', { mount: s.mount }, s.fields.map(([k, v]) => textElement(k, v))));
  }
  return xmlDocument(element('icestats', {}, children));
}

/**
 * /admin/listmounts: every live source. moveclients without a destination sends the same list
 * without the current mount, headed by <current_source>.
 */
export function sourceListDocument(mounts: readonly MountStats[], now: number, current?: string): string {
  const children: XmlElement[] = current === undefined ? [] : [textElement('current_source', current)];
  const live = mounts.filter((m) => m.live && m.mount !== current).sort((a, b) => byName(a.mount, b.mount));
  for (const m of live) {
    const fields = [textElement('fallback', m.fallbackMount ?? ''), textElement('listeners', m.listeners)];
    if (m.streamStart !== null) fields.push(textElement('Connected', seconds(now, m.streamStart)));
    fields.push(textElement('content-type', m.contentType ?? ''));
    children.push(element('source', { mount: m.mount }, fields));
  }
  return xmlDocument(element('icestats', {}, children));
}

/** /admin/listclients: one <listener> per connected listener, in connection order. */
export function listClientsDocument(mount: string, listeners: readonly ListenerStats[], now: number): string {
  const children: XmlElement[] = [textElement('Listeners', listeners.length)];
  for (const l of [...listeners].sort((a, b) => a.id - b.id)) {
    const fields = [
      textElement('IP', l.ip),
      textElement('UserAgent', l.userAgent === '' ? 'Unknown' : l.userAgent),
      textElement('Connected', seconds(now, l.connectedAt)),
      textElement('ID', l.id),
    ];
    if (l.username !== undefined) fields.push(textElement('username', l.username));
    children.push(element('listener', {}, fields));
  }
  return xmlDocument(element('icestats', {}, [element('source', { mount }, children)]));
}

/** /admin/updatemetadata: only drives Icecast's update form, so it names the mount and nothing else. */
export function updateMetadataDocument(mount: string): string {
  return xmlDocument(element('icestats', {}, [element('source', { mount })]));
}

/** /admin/streamlist.txt: one public live mount per line, for slave relays. */
export function streamList(mounts: readonly MountStats[]): string {
  return mounts
    .filter((m) => m.live && !m.hidden)
    .map((m) => m.mount)
    .sort(byName)
    .map((m) => `${m}\r\n`)
    .join('');
}

/** Icecast's html_success page (fallbacks, admin.cgi), without a trailing newline, as Icecast sends it. */
export function htmlSuccess(message: string): string {
  return `<html><head><title>Admin request successful</title></head><body><p>${escapeXml(message)}</p></body></html>`;
}
