// The supervisor section of gateway.yaml (config/schema.ts joins the sections).
import { z } from 'zod';
import { bytes, seconds } from './primitives.ts';

/** An extra program run and restarted by `icegate start` (an ffmpeg capture, a real Icecast 2 …). */
export const componentSchema = z
  .object({
    /** Shown in the dashboard and used by the control API; relay and gateway are taken. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 of a-z 0-9 _ -, starting with a letter or digit')
      .refine((n) => n !== 'relay' && n !== 'gateway' && n !== 'supervisor', 'relay, gateway and supervisor are built-in names'),
    /** The program and its arguments; no shell. */
    command: z.array(z.string().min(1)).min(1),
    /** always: whatever the exit; on-failure: not after exit code 0; never: run once. */
    restart: z.enum(['always', 'on-failure', 'never']).default('always'),
    /** Added to the supervisor's environment. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'), z.string()).default({}),
    /** Working directory, relative to the config file; null = the config file's directory. */
    cwd: z.string().min(1).nullable().default(null),
    stopSignal: z.enum(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2']).default('SIGTERM'),
    /** Seconds between stopSignal and SIGKILL to the whole process group. */
    stopTimeout: seconds.min(0.1).default(10),
    /** Started after these components are ready (relay, gateway or another component's name). */
    dependsOn: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const supervisorSchema = z
  .object({
    /** The control socket's private directory (created 0750); null = <stateDir>/run. Relative to the config file. */
    runtimeDir: z.string().min(1).nullable().default(null),
    /** The control API only reads: every action answers 403. */
    readOnly: z.boolean().default(false),
    /** Run the relay core; false when an extra component (a real Icecast 2) is gateway.upstream. */
    useRelay: z.boolean().default(true),
    /** Per-component log files under <stateDir>/logs/. */
    logs: z
      .object({
        /** Bytes of one file before it is rotated; 10 MiB. */
        maxBytes: bytes.min(4096).default(10485760),
        /** Rotated files kept besides the current one. */
        files: z.number().int().min(1).max(100).default(5),
      })
      .strict()
      .prefault({}),
    components: z.array(componentSchema).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.components.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', message: `a second component named ${c.name}`, path: ['components', i, 'name'] });
      names.add(c.name);
    });
    const known = new Set([...names, 'relay', 'gateway']);
    s.components.forEach((c, i) =>
      c.dependsOn.forEach((d, j) => {
        if (!known.has(d) || d === c.name) ctx.addIssue({ code: 'custom', message: `unknown component ${d}`, path: ['components', i, 'dependsOn', j] });
      }),
    );
  });
