// Admin commands about the whole server (no `mount=`), docs/icecast-compatibility.md#admin-commands.
import type { RelayContext } from '../../stream/context.ts';
import type { RouteRequest } from '../http-app.ts';
import { sendText } from '../http-reply.ts';
import { iceStats } from '../status/icestats.ts';
import { allMountStats, listenUrlFor, serverInfo } from '../status/snapshot.ts';
import { sourceListDocument, statsDocument, streamList } from './documents.ts';
import { sendXml } from './reply.ts';

export type GeneralCommand = (ctx: RelayContext, r: RouteRequest) => void;

/** Everything, hidden mounts included: this is the operator's view. */
export const serverStats: GeneralCommand = (ctx, r) => {
  const stats = iceStats(serverInfo(ctx), allMountStats(ctx), { includeHidden: true, listenUrl: listenUrlFor(ctx, r) });
  sendXml(r.res, statsDocument(stats));
};

export const listMounts: GeneralCommand = (ctx, r) => {
  sendXml(r.res, sourceListDocument(allMountStats(ctx), ctx.clock.now()));
};

export const streamListText: GeneralCommand = (ctx, r) => {
  sendText(r.res, 200, 'text/plain; charset=utf-8', streamList(allMountStats(ctx)));
};
