// `icegate link create | list | revoke`: labelled invitations to listen, made, watched and
// revoked on a running `icegate start` over its control API (contracts/links.ts). The dashboard's
// Links pane (key l) does the same. `--json` prints the API's answers for scripts.
import type { LinkCreateRequest, LinkResult, LinksPage, LinkView } from '../contracts/links.ts';
import type { ActionResult } from '../contracts/control-api.ts';
import { socketPath } from '../supervisor/paths.ts';
import { linkRequest } from '../tui/links-input.ts';
import { qrMatrix, renderQr } from '../tui/qr.ts';
import { sanitise } from '../tui/sanitise.ts';
import { UsageError, type Command } from './command.ts';
import { loadCliConfig } from './config-file.ts';
import { controlRequest, describeControlError } from './control-request.ts';
import type { Io } from './io.ts';
import { linkLines, listLines, qrLines, refusalLine } from './link-format.ts';
import { confirmLine, type Terminal } from './link-confirm.ts';
import { strictArgs } from './strict-args.ts';

export const linkHelp = [
  'Usage: icegate link create --mount MOUNT --label LABEL [--ttl LIFETIME] [--max-listeners N] [--json]',
  '       icegate link list [--json]',
  '       icegate link show ID [--json]',
  '       icegate link revoke ID [--yes] [--json]',
  '',
  'A link is an invitation to listen to a mount that has "auth: token": it has a label (who',
  'it is for), a lifetime and, if you like, a limit of players at once. The running',
  '"icegate start" keeps its links in its state directory, across restarts. The dashboard',
  '("icegate tui", key l) shows, makes and revokes them too.',
  '',
  '  create   makes a link and prints its listening page (for a browser), its stream URL',
  '           (for a player app) and a QR code of the page for a phone to scan. The QR',
  '           code is left out with --json and when the output is not a terminal.',
  '  list     every link, newest first: label, mount, expiry, players now, state',
  '  show     one link again: its URLs and, on a terminal, its QR code',
  '  revoke   ends a link: every player using it is cut off at once, and it opens',
  '           nothing afterwards. Asks first; --yes does not (needed without a terminal).',
  '',
  'Options:',
  '  --mount MOUNT        the mount the link opens, e.g. /live.mp3',
  '  --label LABEL        who it is for, e.g. "Grandma Rose" (at most 80 characters)',
  '  --ttl LIFETIME       how long it can be opened: 3600 (seconds), 30m, 24h, 7d',
  '                       (default 7d; from 1 minute to 366 days)',
  '  --max-listeners N    players at once with this link (default: no limit but the mount\'s)',
  '  --yes                revoke without asking',
  '  --json               the control API\'s answer as JSON, for scripts (no QR code)',
  '  -c, --config FILE    configuration file, to find the control socket (default:',
  '                       ./gateway.yaml if it exists)',
  '  --socket PATH        the control socket (default: <stateDir>/run/control.sock)',
  '  -h, --help           show this help',
  '',
  'Exit code 0 when done, 1 when refused or icegate is not running, 2 for a usage error.',
].join('\n');

export interface LinkOutput {
  /** Whether stdout is a terminal: the QR code is drawn only then. */
  tty: boolean;
  /** Colour allowed (NO_COLOR unset, TERM not dumb): the QR code is pinned white on black. */
  color: boolean;
  /** The terminal's width, when known: a QR code wider than it would wrap and not scan. */
  columns?: number;
}

const OPTIONS = {
  mount: { type: 'string' },
  label: { type: 'string' },
  ttl: { type: 'string' },
  'max-listeners': { type: 'string' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  socket: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof strictArgs<typeof OPTIONS>>['values'];

const ONLY: Record<string, readonly (keyof Values)[]> = {
  create: ['mount', 'label', 'ttl', 'max-listeners', 'json', 'config', 'socket'],
  list: ['json', 'config', 'socket'],
  show: ['json', 'config', 'socket'],
  revoke: ['yes', 'json', 'config', 'socket'],
};

/** `terminal` asks the revoke question; `output` says what stdout is. Tests pass their own. */
export function linkCommand(
  terminal: Terminal = { input: process.stdin, output: process.stderr },
  output: LinkOutput = { tty: process.stdout.isTTY === true, color: !process.env.NO_COLOR && process.env.TERM !== 'dumb', columns: process.stdout.columns },
): Command {
  return {
    name: 'link',
    summary: 'make, list and revoke labelled links to listen (with a QR code)',
    help: linkHelp,
    async run(args, io) {
      const { values, positionals } = strictArgs(args, OPTIONS, true);
      if (values.help) {
        io.out(linkHelp);
        return 0;
      }
      const [sub, ...rest] = positionals;
      if (sub === undefined || ONLY[sub] === undefined) throw new UsageError('say which: create, list, show ID or revoke ID');
      const stray = (Object.keys(values) as (keyof Values)[]).filter((k) => !ONLY[sub]!.includes(k));
      if (stray.length > 0) throw new UsageError(`link ${sub} takes no --${stray[0]}`);
      const byId = sub === 'revoke' || sub === 'show';
      if (!byId && rest.length > 0) throw new UsageError(`link ${sub} takes no argument "${rest[0]}"`);
      if (byId && rest.length !== 1) throw new UsageError(`link ${sub} needs one ID (icegate link list shows them)`);
      const request = sub === 'create' ? createRequest(values) : null;
      const sock = values.socket ?? (await configuredSocket(values.config, io));
      if (sock === null) return 1;
      const api: Api = (method, path, body) => controlRequest(sock, method, path, undefined, body);
      const ctx: Context = { io, api, json: values.json === true, output, now: new Date().toISOString() };
      try {
        if (sub === 'list') return await list(ctx);
        if (sub === 'show') return await show(ctx, rest[0]!);
        if (sub === 'create') return await create(ctx, request!);
        if (!values.yes) {
          const asked = await ask(ctx, terminal, rest[0]!);
          if (asked !== 'yes') return asked;
        }
        return await revoke(ctx, rest[0]!);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        io.err(`icegate link ${sub}: ${describeControlError(error, sock)}`);
        return 1;
      }
    },
  };
}

type Api = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => ReturnType<typeof controlRequest>;

interface Context {
  io: Io;
  api: Api;
  json: boolean;
  output: LinkOutput;
  /** For the relative times ("in 6d23h"). */
  now: string;
}

async function list(ctx: Context): Promise<number> {
  const reply = await ctx.api('GET', '/v1/links');
  if (reply.status !== 200) return refused(ctx.io, 'list', reply.body, ctx.json);
  const page = reply.body as LinksPage;
  if (ctx.json) ctx.io.out(JSON.stringify(page, null, 2));
  else for (const line of listLines(page.links, ctx.now)) ctx.io.out(line);
  return 0;
}

/** The link with this id as GET /v1/links lists it, or the exit status of the refusal said. */
async function find(ctx: Context, command: string, id: string): Promise<LinkView | number> {
  const reply = await ctx.api('GET', '/v1/links');
  if (reply.status !== 200) return refused(ctx.io, command, reply.body, ctx.json);
  const link = (reply.body as LinksPage).links.find((l) => l.id === id);
  return link ?? refused(ctx.io, command, { ok: false, error: { code: 'unknown-link', message: `no link ${id}` } }, ctx.json);
}

async function show(ctx: Context, id: string): Promise<number> {
  const link = await find(ctx, 'show', id);
  if (typeof link === 'number') return link;
  if (ctx.json) ctx.io.out(JSON.stringify(link, null, 2));
  else printLink(ctx, link, !link.revoked && !link.expired);
  return 0;
}

async function create(ctx: Context, request: LinkCreateRequest): Promise<number> {
  const reply = await ctx.api('POST', '/v1/links', request);
  const result = reply.body as LinkResult | ActionResult;
  if (!result.ok || !('link' in result)) return refused(ctx.io, 'create', reply.body, ctx.json);
  if (ctx.json) ctx.io.out(JSON.stringify(result, null, 2));
  else printLink(ctx, result.link, true);
  return 0;
}

/** The y/N question: 'yes', or the exit status when the answer is not yes. */
async function ask(ctx: Context, terminal: Terminal, id: string): Promise<'yes' | number> {
  const link = await find(ctx, 'revoke', id);
  if (typeof link === 'number') return link;
  const players = link.listeners === 0 ? 'nobody listens with it now' : link.listeners === 1 ? 'its 1 player is cut off' : `its ${link.listeners} players are cut off`;
  const answer = await confirmLine(terminal, `Revoke the link "${sanitise(link.label)}" to ${sanitise(link.mount)} (${players})? [y/N] `);
  if (answer === null) throw new UsageError('not a terminal: add --yes to revoke without asking');
  if (/^y(es)?$/i.test(answer.trim())) return 'yes';
  ctx.io.err('icegate link revoke: cancelled, nothing changed');
  return 1;
}

async function revoke(ctx: Context, id: string): Promise<number> {
  const reply = await ctx.api('DELETE', `/v1/links/${encodeURIComponent(id)}`);
  const result = reply.body as LinkResult | ActionResult;
  if (!result.ok || !('link' in result)) return refused(ctx.io, 'revoke', reply.body, ctx.json);
  if (ctx.json) ctx.io.out(JSON.stringify(result, null, 2));
  else ctx.io.out(`revoked "${sanitise(result.link.label)}" (${sanitise(result.link.id)}): its players are cut off and it opens nothing any more`);
  return 0;
}

/** A link in words, then its QR code when stdout is a terminal wide enough for it. */
function printLink(ctx: Context, link: LinkView, withQr: boolean): void {
  for (const line of linkLines(link, ctx.now)) ctx.io.out(line);
  if (!withQr || !ctx.output.tty) return;
  const width = renderQr(qrMatrix(link.pageUrl))[0]?.length ?? 0;
  const columns = ctx.output.columns;
  if (columns !== undefined && columns > 0 && width > columns) ctx.io.out(`(no QR code: it needs ${width} columns and this terminal has ${columns})`);
  else for (const line of ['', ...qrLines(link, ctx.output.color)]) ctx.io.out(line);
}

function createRequest(values: Values) {
  if (values.mount === undefined || values.label === undefined) throw new UsageError('link create needs --mount and --label');
  const parsed = linkRequest({ label: values.label, mount: values.mount, lifetime: values.ttl ?? '7d', players: values['max-listeners'] ?? '' });
  if (!parsed.ok) throw new UsageError(`--${{ label: 'label', mount: 'mount', lifetime: 'ttl', players: 'max-listeners' }[parsed.field]}: ${parsed.error}`);
  return parsed.request;
}

async function configuredSocket(config: string | undefined, io: Io): Promise<string | null> {
  const loaded = await loadCliConfig(config ?? null, io);
  return loaded === null ? null : socketPath(loaded.config, loaded.path);
}

/** A refusal (or an answer that is not one we know): in words on stderr, as JSON on stdout with --json. */
function refused(io: Io, command: string, body: unknown, json: boolean): number {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const known = typeof error?.code === 'string' && typeof error.message === 'string';
  const e = known ? { code: error.code as string, message: error.message as string } : { code: 'bad-answer', message: 'the control API answered something unexpected' };
  if (json) io.out(JSON.stringify(known ? body : { ok: false, error: e }, null, 2));
  io.err(refusalLine(command, e));
  return 1;
}
