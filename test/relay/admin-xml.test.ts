// The admin API's XML, byte for byte: escaping, libxml2's layout, Icecast's element names.
import test from 'ava';
import { element, escapeXml, iceResponse, renderElement, textElement, xmlDocument } from '../../relay/admin/xml.ts';
import {
  htmlSuccess,
  listClientsDocument,
  sourceListDocument,
  statsDocument,
  streamList,
  updateMetadataDocument,
} from '../../relay/admin/documents.ts';
import type { ListenerStats, MountStats } from '../../stream/types.ts';
import { liveMountStats } from '../helpers/mount-stats.ts';

const escapes = test.macro({
  exec(t, input: string, expected: string) {
    t.is(escapeXml(input), expected);
  },
  title: (title, input: string) => title ?? `escapeXml(${JSON.stringify(input)})`,
});

test(escapes, 'plain text', 'plain text');
test(escapes, '<b>Tom & "Jerry"</b>', '&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;');
test(escapes, "it's", 'it&apos;s');
test('CR LF becomes spaces', escapes, 'a\r\nX-Injected: 1', 'a  X-Injected: 1');
test('NUL, tab, DEL and C1 controls become spaces', escapes, 'a\x00b\tc\x7fd\x85e', 'a b c d e');
test('non-ASCII text is kept', escapes, 'Ärtist – Tïtle ♫', 'Ärtist – Tïtle ♫');
test('an entity is escaped, not trusted', escapes, '&amp;', '&amp;amp;');

test('an element without children is self-closing; one with empty text is not', (t) => {
  t.is(renderElement(element('source', { mount: '/m' })), '<source mount="/m"/>');
  t.is(renderElement(textElement('fallback', '')), '<fallback></fallback>');
  t.is(renderElement(element('a', { x: '"<&>"' }, [textElement('b', 1), 'c<'])), '<a x="&quot;&lt;&amp;&gt;&quot;"><b>1</b>c&lt;</a>');
});

test('names that are not XML names are refused, never written', (t) => {
  t.throws(() => element('a b'));
  t.throws(() => element('x><script'));
  t.throws(() => element('1abc'));
  t.throws(() => element('ok', { 'bad attr': 'v' }));
  t.notThrows(() => element('ice-bitrate'));
  t.notThrows(() => element('stream_start_iso8601'));
});

test('iceresponse: the 113 bytes Icecast 2.4.4 sends for a metadata update', (t) => {
  const doc = iceResponse('Metadata update successful', true);
  t.is(doc, '<?xml version="1.0"?>\n<iceresponse><message>Metadata update successful</message><return>1</return></iceresponse>\n');
  t.is(Buffer.byteLength(doc), 113);
  t.is(iceResponse('Client 7 not found', false), '<?xml version="1.0"?>\n<iceresponse><message>Client 7 not found</message><return>0</return></iceresponse>\n');
});

test('xmlDocument: declaration, newline, root on one line, newline', (t) => {
  t.is(xmlDocument(element('icestats')), '<?xml version="1.0"?>\n<icestats/>\n');
});

const NOW = Date.UTC(2026, 10, 20, 22, 30, 0);

const mount = (name: string, over: Partial<MountStats> = {}): MountStats => liveMountStats(name, { streamStart: NOW - 90_500, ...over });

test('listmounts: live mounts in byte order, Icecast element names', (t) => {
  const mounts = [mount('/b.mp3', { listeners: 2, fallbackMount: '/a.mp3' }), mount('/a.mp3'), mount('/idle', { live: false, streamStart: null })];
  t.is(
    sourceListDocument(mounts, NOW),
    '<?xml version="1.0"?>\n<icestats>' +
      '<source mount="/a.mp3"><fallback></fallback><listeners>0</listeners><Connected>90</Connected><content-type>audio/mpeg</content-type></source>' +
      '<source mount="/b.mp3"><fallback>/a.mp3</fallback><listeners>2</listeners><Connected>90</Connected><content-type>audio/mpeg</content-type></source>' +
      '</icestats>\n',
  );
});

test('moveclients without destination: current_source first, the current mount left out', (t) => {
  const doc = sourceListDocument([mount('/a.mp3'), mount('/b.mp3')], NOW, '/a.mp3');
  t.is(
    doc,
    '<?xml version="1.0"?>\n<icestats><current_source>/a.mp3</current_source>' +
      '<source mount="/b.mp3"><fallback></fallback><listeners>0</listeners><Connected>90</Connected><content-type>audio/mpeg</content-type></source></icestats>\n',
  );
});

test('listclients: <Listeners>, then <listener> with IP, UserAgent, Connected, ID and optional username', (t) => {
  const listeners: ListenerStats[] = [
    { id: 9, ip: '203.0.113.9', userAgent: 'VLC/3.0 <x>', connectedAt: NOW - 61_000, bytesSent: 1, mount: '/a.mp3', auth: 'token', username: 'ann' },
    { id: 4, ip: '::1', userAgent: '', connectedAt: NOW - 5_000, bytesSent: 1, mount: '/a.mp3', auth: 'anonymous' },
  ];
  t.is(
    listClientsDocument('/a.mp3', listeners, NOW),
    '<?xml version="1.0"?>\n<icestats><source mount="/a.mp3"><Listeners>2</Listeners>' +
      '<listener><IP>::1</IP><UserAgent>Unknown</UserAgent><Connected>5</Connected><ID>4</ID></listener>' +
      '<listener><IP>203.0.113.9</IP><UserAgent>VLC/3.0 &lt;x&gt;</UserAgent><Connected>61</Connected><ID>9</ID><username>ann</username></listener>' +
      '</source></icestats>\n',
  );
});

test('updatemetadata names the mount only', (t) => {
  t.is(updateMetadataDocument('/m'), '<?xml version="1.0"?>\n<icestats><source mount="/m"/></icestats>\n');
});

test('stats: global fields, then sources', (t) => {
  const doc = statsDocument({ global: [['admin', 'a@b'], ['host', 'h']], sources: [{ mount: '/a', fields: [['listeners', '1'], ['title', 'x & y']] }] });
  t.is(doc, '<?xml version="1.0"?>\n<icestats><admin>a@b</admin><host>h</host><source mount="/a"><listeners>1</listeners><title>x &amp; y</title></source></icestats>\n');
});

test('streamlist.txt: public live mounts, one per CRLF-terminated line', (t) => {
  const mounts = [mount('/z'), mount('/hidden', { hidden: true }), mount('/a'), mount('/off', { live: false })];
  t.is(streamList(mounts), '/a\r\n/z\r\n');
  t.is(streamList([]), '');
});

test('html success page as Icecast sends it', (t) => {
  t.is(htmlSuccess('Fallback configured'), '<html><head><title>Admin request successful</title></head><body><p>Fallback configured</p></body></html>');
});
