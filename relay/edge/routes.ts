// The relay's end of the edge channel (protocol.ts): a gateway's command stream and its reports.
// The relay user (as for streamlist.txt, which slave relays use) or the admin user may use it.
import type { Timer } from '../../stream/clock.ts';
import type { Route, RouteRequest } from '../http-app.ts';
import { authorize } from '../admin/auth.ts';
import { sendJson } from '../admin/reply.ts';
import { sendError } from '../http-reply.ts';
import type { CommandSink, EdgeHub } from './hub.ts';
import { EDGE_COMMANDS_PATH, EDGE_REPORT_PATH, gatewayId, KEEPALIVE_MS, MAX_REPORT_BYTES, parseReport, renderCommand } from '../../contracts/edge.ts';

/** Commands are a few bytes each; a gateway that reads none of a megabyte of them is gone. */
const MAX_UNREAD_COMMANDS = 1024 * 1024;

export function edgeRoutes(hub: EdgeHub): Route {
  return (ctx, r) => {
    const commands = r.path === EDGE_COMMANDS_PATH && r.method === 'GET';
    const report = r.path === EDGE_REPORT_PATH && r.method === 'POST';
    if (!commands && !report) return false;
    if (!authorize(ctx, r, { relay: true })) return true;
    const gateway = gatewayId.safeParse(r.query.get('gateway'));
    if (!gateway.success) return sendError(r.res, 'RELAY_MISSING_PARAMETER'), true;
    if (commands) {
      streamCommands(hub, r, gateway.data, ctx.clock);
      return true;
    }
    return receiveReport(hub, r, gateway.data);
  };
}

function streamCommands(hub: EdgeHub, r: RouteRequest, gateway: string, clock: { after(ms: number, fn: () => void): Timer }): void {
  const res = r.res;
  res.writeHead(200, ['Content-Type', 'text/event-stream; charset=utf-8', 'Cache-Control', 'no-cache, no-store', 'X-Accel-Buffering', 'no']);
  res.socket?.setNoDelay(true);
  let keepalive: Timer | null = null;
  const write = (text: string): void => {
    if (res.writableLength > MAX_UNREAD_COMMANDS) return void res.destroy();
    res.write(text);
  };
  const sink: CommandSink = {
    send: (command) => write(renderCommand(command)),
    close: () => res.end(),
  };
  const beat = (): void => {
    keepalive = clock.after(KEEPALIVE_MS, () => {
      write(':\n\n');
      beat();
    });
  };
  // The first line tells the gateway the channel is open, before any command exists.
  write(':ok\n\n');
  beat();
  const closed = hub.connect(gateway, sink);
  res.once('close', () => {
    keepalive?.cancel();
    closed();
  });
}

async function receiveReport(hub: EdgeHub, r: RouteRequest, gateway: string): Promise<boolean> {
  const body = await readBody(r, MAX_REPORT_BYTES);
  if (body === null) return sendError(r.res, 'RELAY_BAD_REQUEST', { detail: 'report too large or cut short' }), true;
  const report = parseReport(body);
  if ('error' in report) return sendError(r.res, 'RELAY_BAD_REQUEST', { detail: report.error }), true;
  sendJson(r.res, 200, hub.report(gateway, report));
  return true;
}

/** The whole body, or null when it exceeds `limit` or the client left. */
function readBody(r: RouteRequest, limit: number): Promise<string | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    r.req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > limit) {
        r.req.destroy();
        return resolve(null);
      }
      parts.push(d);
    });
    r.req.once('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    r.req.once('error', () => resolve(null));
    r.req.once('close', () => resolve(null));
  });
}
