// Every `icegate` command, in the order `icegate --help` lists them: its name, the one line the
// help shows, and how to load it. A command's module (and everything it imports: the relay, the
// gateway, the dashboard, the push agent …) is loaded only when that command runs or its own help
// is asked for, so `icegate push` does not carry the relay and `icegate relay` not the agent.
// To add a command: one row here; test/cli/commands.test.ts checks that the row's name and summary
// are the loaded command's own.
import type { Command } from './command.ts';

export interface CommandEntry {
  name: string;
  /** One line for the top-level help: the loaded command's `summary`, word for word. */
  summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'start', summary: 'start icegate: the relay core, the gateway and extra components, kept running', load: async () => (await import('./start.ts')).startCommand },
  { name: 'stop', summary: 'stop a running icegate start (every component, in reverse order)', load: async () => (await import('./stop.ts')).stopCommand },
  { name: 'reload', summary: 'reload gateway.yaml into a running icegate start', load: async () => (await import('./stop.ts')).reloadCommand },
  { name: 'status', summary: 'components, mounts and health of a running icegate start', load: async () => (await import('./stop.ts')).statusCommand },
  { name: 'relay', summary: 'run the relay core in the foreground', load: async () => (await import('./relay.ts')).relayCommand },
  { name: 'check', summary: 'validate a configuration file and list every problem', load: async () => (await import('./check.ts')).checkCommand },
  { name: 'gateway', summary: 'run the security gateway in the foreground', load: async () => (await import('./gateway.ts')).gatewayCommand },
  { name: 'link', summary: 'make, list and revoke labelled links to listen (with a QR code)', load: async () => (await import('./link.ts')).linkCommand() },
  { name: 'token', summary: 'low-level: sign a stream link offline (operators: icegate link)', load: async () => (await import('./token.ts')).tokenCommand },
  { name: 'passwd', summary: 'add, change or delete a listener password (htpasswd)', load: async () => (await import('./passwd.ts')).passwdCommand() },
  { name: 'cert', summary: 'make the server certificate, the admin CA or admin client certificates', load: async () => (await import('./cert.ts')).certCommand },
  { name: 'tui', summary: 'the terminal dashboard of a running icegate start', load: async () => (await import('./tui.ts')).tuiCommand },
  { name: 'source-link', summary: 'print the link "icegate push" needs to broadcast to a mount (credentials and pin)', load: async () => (await import('./source-link.ts')).sourceLinkCommand },
  { name: 'push', summary: 'broadcast: capture, encode and push to a mount over pinned TLS, reconnecting forever', load: async () => (await import('./push.ts')).pushCommand },
];

export function findCommand(name: string | undefined): CommandEntry | undefined {
  return commands.find((c) => c.name === name);
}
