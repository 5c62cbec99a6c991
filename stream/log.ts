// How background parts of the relay (pulls, file mounts) report what the operator should see.
export type RelayLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Timestamped lines like the CLI's own: info on stdout, problems on stderr. */
export const consoleLog: RelayLog = (level, message) => {
  const line = `${new Date().toISOString()} ${level === 'info' ? '' : `${level}: `}${message}\n`;
  (level === 'info' ? process.stdout : process.stderr).write(line);
};
