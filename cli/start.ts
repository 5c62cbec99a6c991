// `icegate start`: everything under the supervisor, in the foreground. On a fresh checkout it
// generates the secrets and a self-signed certificate into the state directory first, shows its
// progress, and ends by printing exactly what to do next.
import { resolveSecrets, secretLabels, SecretsError } from '../config/secrets.ts';
import type { Config, ResolvedSecrets } from '../config/schema.ts';
import type { Command } from './command.ts';
import { configForCommand } from './config-file.ts';
import { configOptionsHelp } from './options.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'start icegate: the relay core, the gateway and extra components, kept running',
  help: [
    'Usage: icegate start [-c FILE]',
    '',
    'Starts the relay core and the security gateway in front of it, then the programs in',
    'supervisor.components; restarts whatever exits or stops answering (at once the first',
    'time, then backoff 0.5 s doubling to 30 s). Serves the control API on',
    '<stateDir>/run/control.sock for "icegate status", "icegate tui", "icegate reload"',
    'and "icegate stop". SIGHUP reloads gateway.yaml; SIGINT / SIGTERM stop everything.',
    'Logs: <stateDir>/logs/<component>.log. A second "icegate start" for the same',
    'configuration is refused while the first runs.',
    '',
    'Passwords left null in relay.auth are generated on first start into',
    '<stateDir>/secrets.yaml; the command prints where, never the password.',
    '',
    configOptionsHelp,
  ].join('\n'),
  async run(args, io) {
    const loaded = await configForCommand(args, io, this.help);
    if (typeof loaded === 'number') return loaded;
    const { config } = loaded;
    let secretsFile: string;
    let secrets: ResolvedSecrets;
    try {
      const resolved = await resolveSecrets(config);
      for (const warning of resolved.warnings) io.err(`warning: ${warning}`);
      for (const name of resolved.generated) io.out(`generated ${secretLabels[name]}: see ${resolved.file}`);
      secretsFile = resolved.file;
      secrets = resolved.secrets;
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      io.err(error.message);
      return 1;
    }
    if (config.gateway.tls.cert === null) {
      const { ensureServerCertificate } = await import('../gateway/tls/files.ts');
      const cert = await ensureServerCertificate(config.gateway.tls, config.stateDir);
      if (cert.generated) io.out(`generated a self-signed certificate: ${cert.paths.cert} (and its key beside it)`);
    }
    const { runSupervisor } = await import('../supervisor/main.ts');
    const { ControlError } = await import('../supervisor/errors.ts');
    const began = Date.now();
    let supervisor;
    try {
      supervisor = await runSupervisor({ config, configPath: loaded.path, secrets, progress: (line) => io.out(line) });
    } catch (error) {
      if (!(error instanceof ControlError)) throw error;
      io.err(`icegate start: ${error.message}`);
      return 1;
    }
    const gateway = supervisor.components.get('gateway');
    if (gateway) {
      // The relay and the gateway start side by side: running means both are ready.
      const waiting = [supervisor.components.get('relay'), gateway].filter((c): c is NonNullable<typeof c> => c !== undefined && c.state !== 'running');
      const ready = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 60_000);
        let left = waiting.length;
        for (const c of waiting) {
          c.once('ready', () => {
            if (--left > 0) return;
            clearTimeout(t);
            resolve(true);
          });
        }
        if (left === 0) {
          clearTimeout(t);
          resolve(true);
        }
        void supervisor.stopped.then(() => resolve(false));
      });
      if (ready) io.out(nextSteps(config, gateway.ports ?? {}, secretsFile, loaded.path, supervisor.socketPath, (Date.now() - began) / 1000));
    }
    await supervisor.stopped;
    return 0;
  },
};

function nextSteps(config: Config, ports: Record<string, number | null>, secretsFile: string, configPath: string | null, socket: string, seconds: number): string {
  const g = config.gateway;
  const host = (bind: string): string => (bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind);
  const c = configPath === null ? '' : ` -c ${configPath}`;
  return [
    '',
    `icegate is running (${seconds.toFixed(1)} s). Next:`,
    '',
    '  Push a test tone over TLS, pinned to this server\'s key (docs/push.md; on a studio',
    '  machine use --input alsa:DEVICE or pulse:SOURCE, see icegate push --list-inputs):',
    `    icegate push --input tone "$(icegate source-link${c} --mount /live.mp3 --host ${host(g.source.host)} | tail -n 1)"`,
    '',
    `  Listen:     https://${host(g.listener.host)}:${ports.listenerTls}/live.mp3   or   http://${host(g.listener.host)}:${ports.listener}/live.mp3`,
    `  Dashboard:  icegate tui${c}          (status: icegate status${c}; stop: Ctrl-C or icegate stop${c})`,
    `  Admin:      https://${host(g.admin.host)}:${ports.admin}/  user admin, password: adminPassword in ${secretsFile}`,
    `  Control API: curl --unix-socket ${socket} http://icegate/v1/state`,
    '',
  ].join('\n');
}
