// `icegate tui`: the terminal dashboard. It talks only to the control API of a running
// `icegate start`, over the unix socket <runtimeDir>/control.sock.
import { socketPath as controlSocketPath } from '../supervisor/paths.ts';
import type { Command } from './command.ts';
import { loadCliConfig } from './config-file.ts';
import { strictArgs } from './strict-args.ts';

export const tuiCommand: Command = {
  name: 'tui',
  summary: 'the terminal dashboard of a running icegate start',
  help: [
    'Usage: icegate tui [-c FILE] [--socket PATH] [--read-only]',
    '',
    'Shows mounts, listeners, component health, security events and logs of a running',
    '"icegate start", and lets an operator kick a listener, kill a source, restart a',
    'component, ban an address, set a title or reload the configuration; each asks for',
    'confirmation first. Press ? for every key, q to quit.',
    '',
    'Options:',
    '  -c, --config FILE  configuration file, to find the control socket (default:',
    '                     ./gateway.yaml if it exists)',
    '  --socket PATH      the control socket (default: control.sock in supervisor.runtimeDir,',
    '                     else in <stateDir>/run)',
    '  --read-only        only watch: no action is offered',
    '  -h, --help         show this help',
    '',
    'NO_COLOR=1 turns colours off. Over PuTTY or a terminal without line-drawing',
    'characters nothing changes: the dashboard draws only ASCII.',
  ].join('\n'),
  async run(args, io) {
    const { values } = strictArgs(args, {
      config: { type: 'string', short: 'c' },
      socket: { type: 'string' },
      'read-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    let socketPath = values.socket ?? null;
    if (socketPath === null) {
      const loaded = await loadCliConfig(values.config ?? null, io);
      if (loaded === null) return 1;
      socketPath = controlSocketPath(loaded.config, loaded.path);
    }
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      io.err('icegate tui: needs a terminal (for a one-shot report: icegate status)');
      return 1;
    }
    // blessed is loaded by the dashboard only, never by the processes of a running stack.
    const { runTui } = await import('../tui/main.ts');
    await runTui({ socketPath, readOnly: values['read-only'] ?? false });
    return 0;
  },
};
