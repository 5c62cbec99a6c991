// `icegate tui`: the control client, the dashboard state and the blessed screen wired together.
// Redraws are coalesced: many changes in one turn of the event loop paint once.
import { ControlClient, type Backoff } from './client.ts';
import { Dashboard } from './dashboard.ts';
import { buildFrame } from './frame.ts';
import { colorWanted, TuiScreen } from './screen.ts';

export interface TuiOptions {
  socketPath: string;
  readOnly: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  terminal?: string;
  env?: NodeJS.ProcessEnv;
  backoff?: Backoff;
  pollMs?: number;
}

/** Runs the dashboard until the operator quits. */
export function runTui(options: TuiOptions): Promise<void> {
  const client = new ControlClient({ socketPath: options.socketPath, ...(options.backoff === undefined ? {} : { backoff: options.backoff }) });
  let scheduled = false;
  let screen: TuiScreen | null = null;
  const dashboard = new Dashboard(client, {
    readOnly: options.readOnly,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    onChange: () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        screen?.paint(buildFrame(dashboard));
      });
    },
  });
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    const quit = () => {
      unsubscribe();
      dashboard.stop();
      screen?.destroy();
      screen = null;
      resolve();
    };
    screen = new TuiScreen(
      {
        color: colorWanted(options.env ?? process.env),
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(options.output === undefined ? {} : { output: options.output }),
        ...(options.terminal === undefined ? {} : { terminal: options.terminal }),
      },
      (name, ch) => {
        if (dashboard.key(name, ch) === 'quit') quit();
      },
      (width, height) => dashboard.resize(width, height),
    );
    dashboard.resize(screen.width, screen.height);
    dashboard.start();
    unsubscribe = client.subscribe({ snapshot: (s) => dashboard.setSnapshot(s), connection: (c) => dashboard.setConnection(c) });
  });
}
