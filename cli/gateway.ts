// `icegate gateway`: the security gateway in the foreground, in front of gateway.upstream (the
// relay core, or a real Icecast).
import type { Command } from './command.ts';
import { configForCommand } from './config-file.ts';
import { handedOver } from './handed-over.ts';
import { configOptionsHelp } from './options.ts';

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'run the security gateway in the foreground',
  help: [
    'Usage: icegate gateway [-c FILE]',
    '',
    'Runs the TLS gateway in front of gateway.upstream: listener ports (HTTP and',
    'HTTPS), the source port (TLS) and the admin port. Without gateway.tls.cert and',
    'key, a self-signed certificate is generated into <stateDir>/tls/ on first start.',
    '',
    configOptionsHelp,
  ].join('\n'),
  async run(args, io) {
    // Under `icegate start`: what the supervisor checked (cli/handed-over.ts).
    const handed = await handedOver(io);
    if (typeof handed === 'number') return handed;
    const loaded = handed === null ? await configForCommand(args, io, this.help) : { ...handed, path: handed.configPath };
    if (typeof loaded === 'number') return loaded;
    const { runGateway } = await import('../gateway/main.ts');
    const { CertificateError } = await import('../gateway/tls/cert-info.ts');
    try {
      await runGateway({ config: loaded.config, configPath: loaded.path, ...(handed === null ? {} : { secrets: handed.secrets }) });
    } catch (error) {
      // Expected start failures (a port in use, an unreadable or mismatched certificate) are one line.
      const e = error as NodeJS.ErrnoException;
      if (e.code === undefined && !(error instanceof CertificateError)) throw error;
      io.err(`icegate gateway: ${e.message}`);
      return 1;
    }
    return 0;
  },
};
