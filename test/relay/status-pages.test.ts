// The public status endpoints against live ffmpeg sources: /status-json.xsl's shape for 0, 1 and
// 2 public sources (a hidden one never shows), /status.xsl and /api/v1/status.
import test from 'ava';
import { TEST_FORWARD_KEY, testRelay } from '../helpers/relay.ts';
import { rawRequest } from '../helpers/listen.ts';
import { get, startSources, stopAll } from './admin-client.ts';
import type { ChildProcess } from 'node:child_process';

interface Icestats {
  icestats: { source?: unknown; dummy?: null; server_id: string; host: string };
}

test('status pages follow the live public mounts, and never show a hidden one', async (t) => {
  const relay = await testRelay({ hostname: 'radio.example', mounts: { '/hidden.mp3': { hidden: true } } });
  const port = relay.port();
  const sources: ChildProcess[] = [];
  const statusJson = async (): Promise<Icestats> => {
    const r = await get(port, '/status-json.xsl');
    t.is(r.status, 200);
    t.is(r.headers.get('content-type')?.[0], 'application/json; charset=UTF-8');
    t.is(Number(r.headers.get('content-length')?.[0]), Buffer.byteLength(r.body));
    t.false(r.body.includes('hidden'));
    return JSON.parse(r.body) as Icestats;
  };
  try {
    const none = await statusJson();
    t.false('source' in none.icestats);
    t.is(none.icestats.server_id, 'Icecast 2.4.4');
    t.is(none.icestats.host, 'radio.example');
    t.deepEqual(JSON.parse((await get(port, '/api/v1/status')).body).mounts, []);

    sources.push(...(await startSources(relay, [{ mount: '/one.mp3', codec: 'mp3' }, { mount: '/hidden.mp3', codec: 'mp3' }])));
    const one = await statusJson();
    t.false(Array.isArray(one.icestats.source));
    t.like(one.icestats.source, { listenurl: 'http://radio.example:8000/one.mp3', server_name: 'Test Radio', genre: 'Rock', listeners: 0, dummy: null });

    const forwarded = await get(port, '/status-json.xsl', undefined, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'listen.example', 'X-Icegate-Forward-Key': TEST_FORWARD_KEY });
    t.like(JSON.parse(forwarded.body).icestats.source, { listenurl: 'https://listen.example/one.mp3' });

    sources.push(...(await startSources(relay, [{ mount: '/two.mp3', codec: 'mp3' }])));
    const two = await statusJson();
    t.true(Array.isArray(two.icestats.source));
    t.deepEqual(
      (two.icestats.source as Array<{ listenurl: string }>).map((s) => s.listenurl),
      ['http://radio.example:8000/one.mp3', 'http://radio.example:8000/two.mp3'],
    );

    const html = await get(port, '/status.xsl');
    t.is(html.status, 200);
    t.is(html.headers.get('content-type')?.[0], 'text/html; charset=utf-8');
    t.true(html.body.includes('Mount Point /one.mp3'));
    t.true(html.body.includes('Mount Point /two.mp3'));
    t.false(html.body.includes('hidden'));

    const api = await get(port, '/api/v1/status');
    t.is(api.headers.get('content-type')?.[0], 'application/json; charset=utf-8');
    const body = JSON.parse(api.body);
    t.deepEqual(body.mounts.map((m: { mount: string }) => m.mount), ['/one.mp3', '/two.mp3']);
    t.like(body.mounts[0], { live: true, format: 'mp3', contentType: 'audio/mpeg', name: 'Test Radio', listeners: 0, title: '', listenUrl: 'http://radio.example:8000/one.mp3' });
    t.regex(body.mounts[0].streamStart, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    t.regex(body.server.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  } finally {
    await stopAll(sources);
    await relay.close();
  }
});

test('status pages answer GET only', async (t) => {
  const relay = await testRelay();
  try {
    t.is((await get(relay.port(), '/status-json.xsl')).status, 200);
    const post = (await rawRequest(relay.port(), 'POST /status-json.xsl HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')).toString();
    t.true(post.startsWith('HTTP/1.0 400 Bad Request'));
  } finally {
    await relay.close();
  }
});
