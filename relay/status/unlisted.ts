// The mounts this relay core leaves out of public listings although its own settings do not hide
// them: the gateway's private mounts (config/unlisted-mounts.ts). Kept per relay, set at start and
// by a reload; statistics then report them as hidden, so every public listing that drops hidden
// mounts drops them too, while the mount itself still plays for whoever the gateway lets in.
import type { RelayContext } from '../../stream/context.ts';
import type { MountStats } from '../../stream/types.ts';

const unlisted = new WeakMap<RelayContext['registry'], ReadonlySet<string>>();

export function setUnlistedMounts(ctx: Pick<RelayContext, 'registry'>, mounts: readonly string[]): void {
  unlisted.set(ctx.registry, new Set(mounts));
}

/** `stats` with the unlisted mounts marked hidden. */
export function withUnlisted(ctx: Pick<RelayContext, 'registry'>, stats: MountStats[]): MountStats[] {
  const names = unlisted.get(ctx.registry);
  if (names === undefined || names.size === 0) return stats;
  return stats.map((m) => (names.has(m.mount) && !m.hidden ? { ...m, hidden: true } : m));
}
