// Players held while the edge's pull of their mount is broken (a relay restart): the edge's
// mount keeps them for gateway.hold.players seconds (its grace period, stream/mount-registry.ts)
// while the pull reconnects; they get nothing meanwhile and hear the stream resume at a frame
// boundary (Ogg: a new chained stream with its header pages, stream/listener.ts). This watches
// the registry to log and count the holds (gateway/hold/stats.ts).
import type { MountRegistry } from '../../stream/mount-registry.ts';
import type { HoldStats } from '../hold/stats.ts';

interface Held {
  at: number;
  players: number;
}

export function watchPlayerHolds(registry: MountRegistry, stats: HoldStats, now: () => number, log: (level: 'info' | 'warn', message: string) => void): void {
  const held = new Map<string, Held>();
  registry.on('source-end', (mount, reason) => {
    if (reason === 'replaced' || reason === 'killed' || mount.listeners.size === 0 || held.has(mount.name)) return;
    const players = mount.listeners.size;
    held.set(mount.name, { at: now(), players });
    stats.playersHeldNow(players);
    log('warn', `${mount.name}: the pull broke; ${players} player(s) held while it reconnects`);
  });
  registry.on('source-start', (mount) => {
    const h = held.get(mount.name);
    if (!h) return;
    held.delete(mount.name);
    const ms = now() - h.at;
    stats.playersDone(h.players, ms);
    log('info', `${mount.name}: the pull is back after ${(ms / 1000).toFixed(1)} s; ${h.players} player(s) resumed`);
  });
  registry.on('listener-remove', (mount, _listener, reason) => {
    const h = held.get(mount.name);
    if (!h) return;
    const ms = now() - h.at;
    stats.playersDone(1, ms);
    if (--h.players <= 0) held.delete(mount.name);
    if (reason === 'source-gone' && h.players === 0) log('warn', `${mount.name}: no relay within gateway.hold.players (${(ms / 1000).toFixed(1)} s); its players were released`);
  });
}
