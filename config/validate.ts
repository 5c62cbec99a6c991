// Rules that span several keys, checked once the schema has accepted every single value.
import { BlockList, isIP } from 'node:net';
import type { Config, MountConfig } from './schema.ts';
import type { Problem } from './errors.ts';

const mountPath = (mount: string, key: keyof MountConfig) => ['relay', 'mounts', mount, key] as const;

function fallbackProblems(mounts: Record<string, MountConfig>): Problem[] {
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const [name, mount] of Object.entries(mounts)) {
    if (mount.fallbackMount === name) {
      problems.push({ path: mountPath(name, 'fallbackMount'), message: 'must not be the mount itself' });
      reported.add(name);
      continue;
    }
    // A listener moved along a looping chain would never land (Icecast caps the walk at 10 hops).
    const chain = [name];
    let next = mount.fallbackMount;
    while (next !== null && !chain.includes(next)) {
      chain.push(next);
      next = mounts[next]?.fallbackMount ?? null;
    }
    if (next === null || reported.has(next)) continue;
    const loop = chain.slice(chain.indexOf(next));
    if (loop.length < 2) continue;
    for (const m of loop) reported.add(m);
    const start = loop[0] ?? name;
    problems.push({
      path: mountPath(start, 'fallbackMount'),
      message: `fallback chain loops: ${[...loop, start].join(' → ')}`,
    });
  }
  return problems;
}

/**
 * Icecast's docs: burst-size must be smaller than queue-size, or every new listener is already too
 * slow. burstSeconds is checked at 320 kbit/s (MP3's highest bitrate), the most bytes it may come to.
 */
const CHECKED_BYTES_PER_SECOND = 40000;

function burstProblems(config: Config): Problem[] {
  const { limits, mounts } = config.relay;
  const problems: Problem[] = [];
  const secondsBytes = Math.ceil(limits.burstSeconds * CHECKED_BYTES_PER_SECOND);
  if (limits.burstSize !== null && limits.burstSize >= limits.queueSize) {
    problems.push({
      path: ['relay', 'limits', 'burstSize'],
      message: `must be smaller than relay.limits.queueSize (${limits.queueSize})`,
    });
  }
  if (limits.burstSize === null && secondsBytes >= limits.queueSize) {
    problems.push({
      path: ['relay', 'limits', 'burstSeconds'],
      message: `comes to ${secondsBytes} bytes at 320 kbit/s: must be smaller than relay.limits.queueSize (${limits.queueSize})`,
    });
  }
  for (const [name, mount] of Object.entries(mounts)) {
    if (mount.burstSize === null && mount.queueSize === null) continue;
    const fixed = mount.burstSize ?? limits.burstSize;
    const burst = fixed ?? secondsBytes;
    const queue = mount.queueSize ?? limits.queueSize;
    if (burst < queue) continue;
    const what = fixed !== null ? `burstSize (${burst})` : `burst (${burst} bytes: relay.limits.burstSeconds at 320 kbit/s)`;
    problems.push(
      mount.burstSize !== null
        ? { path: mountPath(name, 'burstSize'), message: `must be smaller than the mount's queueSize (${queue})` }
        : { path: mountPath(name, 'queueSize'), message: `must be larger than the mount's ${what}` },
    );
  }
  return problems;
}

/** An IP address, or a CIDR range whose prefix fits the address family. */
export function isAddressOrRange(entry: string): boolean {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const prefixText = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return false;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return false;
  try {
    new BlockList().addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    return false;
  }
}

function networkProblems(config: Config): Problem[] {
  const { relay } = config;
  const problems: Problem[] = [];
  relay.trustedProxies.forEach((entry, i) => {
    if (!isAddressOrRange(entry)) {
      problems.push({ path: ['relay', 'trustedProxies', i], message: `"${entry}" is not an IP address or CIDR range` });
    }
  });
  // Port 0 lets the system pick a free port for each, so two zeros never collide.
  if (relay.shoutcast.enabled && relay.shoutcast.port === relay.port && relay.port !== 0) {
    problems.push({ path: ['relay', 'shoutcast', 'port'], message: `must differ from relay.port (${relay.port})` });
  }
  return problems;
}

const isHttpUrl = (url: string): boolean => /^https?:\/\//i.test(url);

function upstreamProblems(config: Config): Problem[] {
  const problems: Problem[] = [];
  config.relay.relays.forEach((pull, i) => {
    if (!isHttpUrl(pull.url)) {
      problems.push({ path: ['relay', 'relays', i, 'url'], message: 'must start with http:// or https://' });
    }
  });
  const master = config.relay.master;
  if (master !== null && !isHttpUrl(master.url)) {
    problems.push({ path: ['relay', 'master', 'url'], message: 'must start with http:// or https://' });
  }
  return problems;
}

export function crossFieldProblems(config: Config): Problem[] {
  return [
    ...networkProblems(config),
    ...burstProblems(config),
    ...fallbackProblems(config.relay.mounts),
    ...upstreamProblems(config),
  ];
}
