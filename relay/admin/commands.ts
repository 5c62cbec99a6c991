// The /admin/<command> table (Icecast 2.4.4 src/admin.c admin_get_command). A command runs as a
// mount command when the request has `mount=`, else as a general one, and may have either form
// or both. The `.xsl` variants answer with the same XML as the raw ones: the relay ships no XSLT
// admin pages (its dashboard reads /api/v1), and a script asking for .xsl gets the data either way.
// Not offered: buildm3u (it writes listener passwords into playlist URLs) and manageauth
// (Icecast's per-mount htpasswd editor).
import type { GeneralCommand } from './general-commands.ts';
import { listMounts, serverStats, streamListText } from './general-commands.ts';
import type { MountCommand } from './mount-commands.ts';
import { killClient, killSource, listClients, metadataForm, mountStats, moveClients, setFallback, updateMetadata } from './mount-commands.ts';

export interface AdminCommand {
  mount?: MountCommand;
  general?: GeneralCommand;
  /**
   * The mount must have a live source. Otherwise a mount in its grace period (source gone,
   * listeners held) is available too: its listeners can still be listed, moved or kicked.
   */
  needsSource?: boolean;
  /** The mount's source credentials are accepted (metadata updates only). */
  sourceAuth?: boolean;
  /** The relay user is accepted (streamlist.txt, polled by slave relays). */
  relayAuth?: boolean;
}

const stats: AdminCommand = { mount: mountStats, general: serverStats };
const mounts: AdminCommand = { general: listMounts };
const metadata: AdminCommand = { mount: updateMetadata, needsSource: true, sourceAuth: true };
const listclients: AdminCommand = { mount: listClients };
const killclient: AdminCommand = { mount: killClient };
const killsource: AdminCommand = { mount: killSource, needsSource: true };
const fallbacks: AdminCommand = { mount: setFallback };
const updatemetadata: AdminCommand = { mount: metadataForm };

export const ADMIN_COMMANDS: ReadonlyMap<string, AdminCommand> = new Map([
  ['stats', stats],
  ['stats.xml', stats],
  ['stats.xsl', stats],
  ['listmounts', mounts],
  ['listmounts.xsl', mounts],
  ['streamlist', mounts],
  ['streamlist.xsl', mounts],
  ['streamlist.txt', { general: streamListText, relayAuth: true }],
  ['listclients', listclients],
  ['listclients.xsl', listclients],
  ['moveclients', { mount: moveClients }],
  // As in Icecast, moveclients.xsl without a mount lists the mounts.
  ['moveclients.xsl', { mount: moveClients, general: listMounts }],
  ['killclient', killclient],
  ['killclient.xsl', killclient],
  ['killsource', killsource],
  ['killsource.xsl', killsource],
  ['metadata', metadata],
  ['metadata.xsl', metadata],
  ['fallbacks', fallbacks],
  ['fallbacks.xsl', fallbacks],
  ['updatemetadata', updatemetadata],
  ['updatemetadata.xsl', updatemetadata],
]);
