// `icegate stop`, `icegate reload`, `icegate status [--json]`: requests to a running
// `icegate start` over its control socket.
import type { ActionResult, StateSnapshot } from '../contracts/control-api.ts';
import { socketPath } from '../supervisor/paths.ts';
import type { Command } from './command.ts';
import { loadCliConfig } from './config-file.ts';
import { controlRequest, describeControlError } from './control-request.ts';
import type { Io } from './io.ts';
import { strictArgs } from './strict-args.ts';

const commonHelp = [
  'Options:',
  '  -c, --config FILE  configuration file, to find the control socket (default:',
  '                     ./gateway.yaml if it exists)',
  '  --socket PATH      the control socket (default: <stateDir>/run/control.sock)',
];

async function socketFor(values: { config?: string; socket?: string }, io: Io): Promise<string | null> {
  if (values.socket !== undefined) return values.socket;
  const loaded = await loadCliConfig(values.config ?? null, io);
  return loaded === null ? null : socketPath(loaded.config, loaded.path);
}

/** Longer than a restarted component's ready timeout (30 s), so the answer is the supervisor's. */
const RELOAD_TIMEOUT_MS = 120_000;

/** What the operator reads when an action is refused; a refused reload names who refused and why. */
export function describeFailure(name: string, error: Extract<ActionResult, { ok: false }>['error']): string[] {
  if (error.refusal === undefined) return [`icegate ${name}: ${error.message}`];
  return [
    `icegate ${name}: refused by the ${error.refusal.component}: ${error.refusal.reason}`,
    'the configuration in force before stays in force everywhere; fix the file and reload again',
    `(${error.message})`,
  ];
}

function actionCommand(name: 'stop' | 'reload', summary: string, description: string[]): Command {
  return {
    name,
    summary,
    help: [`Usage: icegate ${name} [-c FILE] [--socket PATH]`, '', ...description, '', ...commonHelp, '  -h, --help         show this help'].join('\n'),
    async run(args, io) {
      const { values } = strictArgs(args, { config: { type: 'string', short: 'c' }, socket: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
      if (values.help) {
        io.out(this.help);
        return 0;
      }
      const sock = await socketFor(values, io);
      if (sock === null) return 1;
      try {
        // A reload waits for restarted components to be ready again (up to their ready timeout).
        const reply = await controlRequest(sock, 'POST', `/v1/${name}`, name === 'reload' ? RELOAD_TIMEOUT_MS : undefined);
        const result = reply.body as ActionResult;
        if (result.ok) {
          io.out(result.message);
          return 0;
        }
        for (const line of describeFailure(name, result.error)) io.err(line);
        return 1;
      } catch (error) {
        io.err(`icegate ${name}: ${describeControlError(error, sock)}`);
        return 1;
      }
    },
  };
}

export const stopCommand = actionCommand('stop', 'stop a running icegate start (every component, in reverse order)', [
  'Asks the running "icegate start" to stop: extra components, then the gateway, then the',
  'relay core, each with its stop signal and SIGKILL to its process group after the timeout.',
]);

export const reloadCommand = actionCommand('reload', 'reload gateway.yaml into a running icegate start', [
  'Validates the configuration file first: a bad file changes nothing and its errors are',
  'printed. Changes the relay can apply live (mounts, limits, names, trusted proxies) keep',
  'every stream; others restart only the component they touch. Same as SIGHUP.',
  'All or nothing: when the relay or the gateway refuses the new settings (or does not',
  'start with them), the configuration in force stays in force everywhere, and the',
  'command names the component and its reason. Exit code 0 when applied, 1 otherwise.',
]);

export const statusCommand: Command = {
  name: 'status',
  summary: 'components, mounts and health of a running icegate start',
  help: ['Usage: icegate status [-c FILE] [--socket PATH] [--json]', '', 'Exit code 0 when health is ok, 1 when degraded, down or not running.', '', ...commonHelp, '  --json             the full StateSnapshot as JSON', '  -h, --help         show this help'].join('\n'),
  async run(args, io) {
    const { values } = strictArgs(args, { config: { type: 'string', short: 'c' }, socket: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    const sock = await socketFor(values, io);
    if (sock === null) return 1;
    let s: StateSnapshot;
    try {
      s = (await controlRequest(sock, 'GET', '/v1/state')).body as StateSnapshot;
    } catch (error) {
      io.err(`icegate status: ${describeControlError(error, sock)}`);
      return 1;
    }
    if (values.json) io.out(JSON.stringify(s, null, 2));
    else io.out(formatStatus(s));
    return s.health === 'ok' ? 0 : 1;
  },
};

export function formatStatus(s: StateSnapshot): string {
  const rows = s.components.map((c) => {
    const extra = c.state === 'running' ? `pid ${c.pid}, up ${c.uptimeSeconds} s` : c.nextRestartSeconds !== null ? `next try in ${c.nextRestartSeconds} s` : '';
    const exit = c.lastExit ? `  last exit: ${c.lastExit.reason} at ${c.lastExit.at}` : '';
    return `  ${c.name.padEnd(12)} ${c.state.padEnd(13)} restarts ${String(c.restarts).padEnd(4)} ${extra}${exit}`;
  });
  // SILENT: an `icegate push` agent reports its input silent (docs/push.md#silence-on-the-server).
  const silent = (m: StateSnapshot['mounts'][number]): string => (m.source?.silent === true ? `  SILENT since ${m.source.silentSince ?? '?'}` : '');
  const mounts = s.mounts.map((m) => `  ${m.mount.padEnd(20)} ${m.live ? 'live' : 'idle'}  ${m.listeners} listeners${silent(m)}${m.title ? `  "${m.title.replace(/[\u0000-\u001f\u007f]/g, '?')}"` : ''}`);
  const c = s.security?.certificate ?? null;
  const clean = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, '?');
  const acme = c?.acme ? `; ACME ${c.acme.state}${c.acme.nextRenewal ? `, next order ${c.acme.nextRenewal}` : ''}${c.acme.lastError ? `, last error: ${clean(c.acme.lastError)}` : ''}` : '';
  const cert = c === null ? [] : [`certificate: ${clean(c.subject)}, issued by ${clean(c.issuer ?? '?')}, expires ${c.notAfter} (${c.daysLeft} days)${acme}`];
  return [`${s.station.name}: ${s.health}`, 'components:', ...rows, ...(mounts.length ? ['mounts:', ...mounts] : []), ...cert].join('\n');
}
