// The command table (cli/commands.ts): each row is its command's own name and summary, and a
// command's module is loaded only when that command (or its help) is asked for. What a process
// loads is observed from outside: bin/icegate.js runs with a resolve hook that records every
// module URL (fixtures/record-modules.mjs).
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../../cli/commands.ts';
import { binPath } from './run-cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const recorder = fileURLToPath(new URL('./fixtures/record-modules.mjs', import.meta.url));

for (const entry of commands) {
  test(`the row of "${entry.name}" is the loaded command's own name and summary`, async (t) => {
    const command = await entry.load();
    t.is(command.name, entry.name);
    t.is(command.summary, entry.summary);
  });
}

/** The icegate source files (relative to the repository) one `icegate ARGS` process loaded, and its stdout. */
async function loadedBy(args: string[]): Promise<{ files: Set<string>; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'icegate-modules-'));
  const list = join(dir, 'modules.txt');
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', recorder, binPath, ...args], { cwd: dir, env: { ...process.env, ICEGATE_TEST_MODULES: list }, timeout: 60_000 }, (error, out) =>
        error === null ? resolve(out) : reject(error),
      );
    });
    const urls = readFileSync(list, 'utf8').split('\n');
    const files = new Set(urls.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)).filter((f) => f.startsWith(root) && !f.includes('node_modules')).map((f) => f.slice(root.length)));
    return { files, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const dispatch = ['bin/icegate.js', 'cli/main.ts', 'cli/command.ts', 'cli/commands.ts', 'cli/io.ts'];

test('icegate --help lists every command in table order and loads none of them', async (t) => {
  const { files, stdout } = await loadedBy(['--help']);
  const listed = stdout.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
  t.deepEqual(listed, commands.map((c) => c.name));
  for (const c of commands) t.true(stdout.includes(c.summary), c.name);
  t.deepEqual([...files].sort(), [...dispatch].sort());
});

test('icegate help relay loads the relay command and no other command', async (t) => {
  const { files, stdout } = await loadedBy(['help', 'relay']);
  t.regex(stdout, /^Usage: icegate relay /);
  t.true(files.has('cli/relay.ts'));
  for (const other of ['cli/push.ts', 'cli/start.ts', 'cli/tui.ts', 'cli/gateway.ts', 'cli/passwd.ts', 'cli/source-link.ts']) t.false(files.has(other), other);
  t.false([...files].some((f) => f.startsWith('agent/') || f.startsWith('gateway/') || f.startsWith('tui/')));
});
