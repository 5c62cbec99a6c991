// /admin/metadata?mode=silence: an `icegate push` agent says whether its input is silent
// (contracts/source-stats.ts, docs/push.md#silence-on-the-server). It runs where the title update
// runs, after the same checks: the mount's source credentials (or the admin's), a live source.
// A malformed report is refused naming the wrong parameter and changes nothing.
import { parseSilenceReport } from '../../contracts/source-stats.ts';
import type { RelayContext } from '../../stream/context.ts';
import type { Mount } from '../../stream/mount.ts';
import type { RouteRequest } from '../http-app.ts';
import { sendError } from '../http-reply.ts';
import { sourceTrackerOf } from '../source-tracker.ts';
import { sendIceResponse } from './reply.ts';

export function silenceReport(ctx: RelayContext, r: RouteRequest, mount: Mount): void {
  const report = parseSilenceReport(r.query);
  if (!report.ok) return sendError(r.res, 'RELAY_BAD_SILENCE_REPORT', { detail: report.problem });
  const tracker = sourceTrackerOf(ctx);
  if (tracker === undefined || !tracker.reportSilence(mount.name, report.silent, report.forSeconds)) return sendError(r.res, 'RELAY_SOURCE_NOT_AVAILABLE');
  sendIceResponse(r.res, report.silent ? 'Silence recorded' : 'Sound recorded', true);
}
