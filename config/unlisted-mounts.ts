// Which mounts the public listings leave out because only invited listeners may play them: a
// mount of gateway.mounts whose `auth` is not `none`, unless it says `listed: true`. The relay
// core treats them as hidden mounts in everything public (the listening page, /status-json.xsl,
// /status.xsl, /api/v1/status, /admin/streamlist.txt); the admin API and the control API still
// show them. Pure.
import type { Config } from './schema.ts';

export function unlistedMounts(mounts: Config['gateway']['mounts']): string[] {
  return Object.entries(mounts)
    .filter(([, m]) => m.auth !== 'none' && !m.listed)
    .map(([name]) => name)
    .sort();
}
