// The signals `icegate start` answers, as systemd and supervisord use them: SIGHUP reloads the
// configuration (ExecReload=kill -HUP $MAINPID), SIGINT and SIGTERM stop everything.
export interface SignalActions {
  reload(): void;
  stop(): void;
}

/** Installs the handlers; returns what removes them again. */
export function handleSignals(actions: SignalActions, target: Pick<NodeJS.Process, 'on' | 'off'> = process): () => void {
  const onHup = (): void => actions.reload();
  const onStop = (): void => actions.stop();
  target.on('SIGHUP', onHup);
  target.on('SIGINT', onStop);
  target.on('SIGTERM', onStop);
  return () => {
    target.off('SIGHUP', onHup);
    target.off('SIGINT', onStop);
    target.off('SIGTERM', onStop);
  };
}
