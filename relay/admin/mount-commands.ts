// Admin commands that act on one mount (`mount=` given), after authentication and after the
// mount was found to exist and be available (docs/icecast-compatibility.md#admin-commands; Icecast 2.4.4
// src/admin.c command_*). Each one answers the request itself.
import type { RelayContext } from '../../stream/context.ts';
import type { RouteRequest } from '../http-app.ts';
import type { Mount } from '../../stream/mount.ts';
import type { MoveResult } from '../../stream/mount-registry.ts';
import type { RelayErrorCode } from '../../stream/errors.ts';
import { sendError } from '../http-reply.ts';
import { mountName } from '../../config/schema.ts';
import { iceStats } from '../status/icestats.ts';
import { allMountStats, listenUrlFor, serverInfo } from '../status/snapshot.ts';
import { listClientsDocument, sourceListDocument, statsDocument, updateMetadataDocument } from './documents.ts';
import { acceptsUrlUpdates, titleUpdate } from './metadata.ts';
import { sendHtmlSuccess, sendIceResponse, sendXml } from './reply.ts';
import { edgeHubOf } from '../edge/hub.ts';
import { SILENCE_MODE } from '../../contracts/source-stats.ts';
import { silenceReport } from './silence-report.ts';

export type MountCommand = (ctx: RelayContext, r: RouteRequest, mount: Mount) => void;

const MOVE_ERRORS: Record<Exclude<MoveResult, { ok: true }>['reason'], RelayErrorCode> = {
  'no-such-source': 'RELAY_SOURCE_DOES_NOT_EXIST',
  'no-such-destination': 'RELAY_NO_SUCH_DESTINATION',
  identical: 'RELAY_SAME_DESTINATION',
  'destination-not-running': 'RELAY_DESTINATION_NOT_RUNNING',
  incompatible: 'RELAY_INCOMPATIBLE_DESTINATION',
};

/** The query string as sent, for parameters whose bytes matter (titles in a given charset). */
export function rawQuery(r: RouteRequest): string {
  const url = r.req.url ?? '';
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

export const mountStats: MountCommand = (ctx, r, mount) => {
  const stats = iceStats(serverInfo(ctx), allMountStats(ctx), { includeHidden: true, mount: mount.name, listenUrl: listenUrlFor(ctx, r) });
  sendXml(r.res, statsDocument(stats));
};

export const listClients: MountCommand = (ctx, r, mount) => {
  sendXml(r.res, listClientsDocument(mount.name, mount.listenerStats(), ctx.clock.now()));
};

/** Without destination: the mounts the listeners could go to; with one: move them, keeping their connections. */
export const moveClients: MountCommand = (ctx, r, mount) => {
  const destination = r.query.get('destination');
  if (destination === null) return sendXml(r.res, sourceListDocument(allMountStats(ctx), ctx.clock.now(), mount.name));
  // A gateway edge's pull stays: its gateway moves its own listeners (relay/edge/hub.ts).
  const result = ctx.registry.move(mount.name, destination, (l) => l.edgePull === null, true);
  if (!result.ok) return sendError(r.res, MOVE_ERRORS[result.reason]);
  edgeHubOf(ctx)?.move(mount.name, destination);
  sendIceResponse(r.res, `Clients moved from ${mount.name} to ${destination}`, true);
};

export const killClient: MountCommand = (_ctx, r, mount) => {
  const idText = r.query.get('id');
  if (idText === null) return sendError(r.res, 'RELAY_MISSING_PARAMETER');
  // Icecast reads the id with atoi(): leading digits count, anything else is 0.
  const id = Number.parseInt(idText, 10) || 0;
  if (!mount.kickListener(id)) return sendIceResponse(r.res, `Client ${id} not found`, false);
  sendIceResponse(r.res, `Client ${id} removed`, true);
};

/** Ends the source; its listeners go to a live fallback, or are closed (no grace after a kill). */
export const killSource: MountCommand = (_ctx, r, mount) => {
  mount.killSource();
  sendIceResponse(r.res, 'Source Removed', true);
};

export const updateMetadata: MountCommand = (ctx, r, mount) => {
  const mode = r.query.get('mode');
  if (mode === null) return sendError(r.res, 'RELAY_MISSING_PARAMETER');
  if (mode === SILENCE_MODE) return silenceReport(ctx, r, mount);
  if (mode !== 'updinfo') return sendIceResponse(r.res, 'No such action', false);
  if (!acceptsUrlUpdates(mount.codec, mount.contentType)) return sendIceResponse(r.res, 'Mountpoint will not accept URL updates', true);
  const update = titleUpdate(rawQuery(r));
  if (update.kind === 'missing') return sendError(r.res, 'RELAY_MISSING_PARAMETER');
  mount.setTitle(update.title, update.artist);
  sendIceResponse(r.res, 'Metadata update successful', true);
};

/**
 * A runtime-only fallback change, as in Icecast: the next config reload restores the configured
 * one. An empty value removes the fallback; anything that is not a mount name is refused.
 */
export const setFallback: MountCommand = (_ctx, r, mount) => {
  const fallback = r.query.get('fallback');
  if (fallback === null || (fallback !== '' && !mountName.safeParse(fallback).success)) return sendError(r.res, 'RELAY_MISSING_PARAMETER');
  mount.updateSettings({ ...mount.settings, fallbackMount: fallback === '' ? null : fallback });
  sendHtmlSuccess(r.res, 'Fallback configured');
};

export const metadataForm: MountCommand = (_ctx, r, mount) => {
  sendXml(r.res, updateMetadataDocument(mount.name));
};
