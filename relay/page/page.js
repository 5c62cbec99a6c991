// The listening page's player: one <audio> element for every mount, a Play/Stop button per mount,
// now playing from the public status (polled), and the Media Session API for the lock screen.
// No framework, no inline code: the page runs under a strict Content-Security-Policy.
//
// How a mount is played (docs/hls.md#choosing-a-player-on-the-page):
// - The progressive stream in <audio> by default. Every browser plays MP3 and AAC that way, iOS
//   and Android keep a plain <audio> playing with the screen locked, it is the lowest latency
//   (HLS lags 3 target durations and more, docs/hls.md#latency), and the titles the page polls match it.
// - HLS through the bundled hls.js only when it is asked for (?hls=1 in the page's URL) or when
//   the browser cannot play the stream's type, and only for MP3 and AAC mounts. hls.js comes
//   first: Chromium's own HLS says "maybe" to canPlayType and then fails on packed MP3, so native HLS is used only where there is no MediaSource at all (older iPhones).
// - Every URL is relative to the page, so a stream link's /t/<token>/ prefix carries over.
'use strict';

(() => {
  const POLL_MS = 10_000;
  const RETRY_MAX_S = 30;
  const RETRIES = 8;
  const HLS_FORMATS = new Set(['mp3', 'aac']);

  const audio = /** @type {HTMLAudioElement} */ (document.getElementById('player'));
  const statusLine = document.getElementById('status');
  const station = document.getElementById('station')?.textContent ?? '';
  const hlsOn = document.body.dataset.hlsOutput === '1';
  const preferHls = new URLSearchParams(location.search).get('hls') === '1';
  /** @type {Map<string, HTMLElement>} */
  const items = new Map();

  /** @type {{ li: HTMLElement, hls: any, timer: number, attempt: number, started: boolean } | null} */
  let current = null;
  /** The last mount played, for the lock screen's play button. */
  let last = null;
  let hlsScript = null;

  for (const li of document.querySelectorAll('.mount')) {
    items.set(li.dataset.mount, li);
    li.querySelector('.play').addEventListener('click', () => (current?.li === li ? stop() : start(li)));
  }

  function say(text) {
    if (statusLine) statusLine.textContent = text;
  }

  function setState(li, state) {
    const button = li.querySelector('.play');
    button.dataset.state = state;
    button.querySelector('.label').textContent = state === 'stopped' ? 'Play' : 'Stop';
  }

  /** 'progressive', 'hls.js' or 'native' (HLS by the browser itself). */
  function way(li) {
    const type = li.dataset.type;
    const playable = type === '' || audio.canPlayType(type) !== '';
    const hls = hlsOn && li.dataset.hls && HLS_FORMATS.has(li.dataset.format);
    if (!hls || (playable && !preferHls)) return 'progressive';
    if ('MediaSource' in window || 'ManagedMediaSource' in window) return 'hls.js';
    return audio.canPlayType('application/vnd.apple.mpegurl') !== '' ? 'native' : 'progressive';
  }

  /** hls.js, loaded on first use only: most listeners never need it. */
  function loadHls() {
    hlsScript ??= new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = document.body.dataset.hlsScript;
      s.onload = () => resolve(window.Hls ?? null);
      s.onerror = () => resolve(null);
      document.head.append(s);
    });
    return hlsScript;
  }

  async function start(li) {
    // A retry (failed()) keeps counting; a new choice starts afresh.
    const attempt = current?.li === li ? current.attempt : 0;
    stop();
    const session = { li, hls: null, timer: 0, attempt, started: false };
    current = session;
    last = li;
    setState(li, 'busy');
    say('Connecting…');
    let how = way(li);
    if (how === 'hls.js') {
      const Hls = await loadHls();
      if (current !== session) return;
      if (Hls && Hls.isSupported()) {
        session.hls = new Hls();
        session.hls.on(Hls.Events.ERROR, (_event, data) => data.fatal && failed(session));
        session.hls.attachMedia(audio);
        session.hls.loadSource(li.dataset.hls);
      } else {
        how = 'progressive';
      }
    }
    if (how !== 'hls.js') audio.src = how === 'native' ? li.dataset.hls : li.dataset.src;
    document.body.dataset.way = how;
    metadata();
    try {
      await audio.play();
    } catch (err) {
      if (current !== session) return;
      if (err && err.name === 'NotAllowedError') {
        stop();
        say('Tap Play to listen.');
      }
      // Anything else arrives as an 'error' event too.
    }
  }

  function stop() {
    const session = current;
    if (!session) return;
    current = null;
    clearTimeout(session.timer);
    session.hls?.destroy();
    audio.pause();
    // Removing the source closes the stream's connection; a paused live stream only goes stale.
    audio.removeAttribute('src');
    audio.load();
    setState(session.li, 'stopped');
    say('');
    if ('mediaSession' in navigator) navigator.mediaSession.playbackState = 'paused';
  }

  /** Retry with backoff: a phone changing networks drops the stream, the listener wants it back. */
  function failed(session) {
    if (current !== session) return;
    const li = session.li;
    session.hls?.destroy();
    session.hls = null;
    session.attempt += 1;
    if (session.attempt > RETRIES) {
      stop();
      say(li.dataset.live === '1' ? 'This stream cannot be played here.' : 'This stream is off air right now.');
      return;
    }
    const seconds = Math.min(RETRY_MAX_S, 2 ** session.attempt);
    setState(li, 'busy');
    say(`${li.dataset.live === '1' ? 'Connection lost' : 'Off air'}; trying again in ${seconds} s…`);
    session.timer = setTimeout(() => current === session && start(li), seconds * 1000);
  }

  audio.addEventListener('playing', () => {
    if (!current) return;
    current.attempt = 0;
    current.started = true;
    setState(current.li, 'playing');
    say('');
    if ('mediaSession' in navigator) navigator.mediaSession.playbackState = 'playing';
    // The page may have been open a while: what is on now, at once.
    tick();
  });
  audio.addEventListener('waiting', () => current && setState(current.li, 'busy'));
  audio.addEventListener('error', () => current && !current.hls && failed(current));
  // Paused from outside (headphones out, another app): a live stream is stopped, not held stale.
  // Only once it played: the pause of the stream it replaced arrives after a new start.
  audio.addEventListener('pause', () => current?.started && !audio.ended && stop());
  // A live stream never ends: its end is a dropped connection.
  audio.addEventListener('ended', () => current && !current.hls && failed(current));

  /** "Artist - Title" as Icecast sources send it; the artist part is a guess at the first " - ". */
  function splitTitle(text) {
    const i = text.indexOf(' - ');
    return i > 0 ? { artist: text.slice(0, i), title: text.slice(i + 3) } : { artist: '', title: text };
  }

  function metadata() {
    if (!('mediaSession' in navigator) || !current || typeof MediaMetadata !== 'function') return;
    const li = current.li;
    const name = li.querySelector('.name').textContent;
    const now = splitTitle(li.querySelector('.title').textContent);
    navigator.mediaSession.metadata = new MediaMetadata({
      title: now.title || name,
      artist: now.artist || (now.title ? name : station),
      album: station,
    });
  }

  if ('mediaSession' in navigator) {
    const actions = {
      play: () => last && !current && start(last),
      pause: stop,
      stop,
    };
    for (const [action, handler] of Object.entries(actions)) {
      try {
        navigator.mediaSession.setActionHandler(action, handler);
      } catch {
        // An action this browser does not know.
      }
    }
  }

  /** Now playing and on/off air, from the public status (docs/api.md, GET /api/v1/status). */
  async function poll() {
    let body;
    try {
      const res = await fetch('api/v1/status', { cache: 'no-store' });
      if (res.status === 404) return false;
      if (!res.ok) return true;
      body = await res.json();
    } catch {
      return true;
    }
    for (const m of body.mounts ?? []) {
      const li = items.get(m.mount);
      if (!li) continue;
      li.dataset.live = m.live ? '1' : '0';
      li.dataset.format = m.format ?? '';
      if (m.contentType) li.dataset.type = m.contentType;
      li.querySelector('.state').textContent = m.live ? 'On air' : 'Off air';
      const title = li.querySelector('.title');
      if (title.textContent !== m.title) {
        title.textContent = m.title;
        if (current?.li === li) metadata();
      }
    }
    return true;
  }

  let timer = 0;
  async function tick() {
    clearTimeout(timer);
    // Public status switched off (404): the page still plays, without titles.
    if (!(await poll())) return;
    if (!document.hidden || current) timer = setTimeout(tick, POLL_MS);
  }
  document.addEventListener('visibilitychange', () => !document.hidden && tick());
  if (items.size > 0) tick();
})();
