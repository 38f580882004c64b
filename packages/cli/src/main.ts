/**
 * The `reprise` command: finds the subcommand, runs it, and turns errors into one line plus a hint.
 * Each subcommand lives in its own module under `commands/` and is loaded only when used.
 */
import { type CliCommand, CliError, type CliIO } from './command.ts';

/** Subcommand modules by the words that select them. Each default-exports a {@link CliCommand}. */
const COMMANDS: Record<string, () => Promise<{ default: CliCommand }>> = {
  compile: () => import('./commands/compile.ts'),
  'versions check': () => import('./commands/versions-check.ts'),
  'versions report': () => import('./commands/versions-report.ts'),
  worker: () => import('./commands/worker.ts'),
  'workflow start': () => import('./commands/workflow-start.ts'),
  'workflow signal': () => import('./commands/workflow-signal.ts'),
  'workflow query': () => import('./commands/workflow-query.ts'),
  'workflow cancel': () => import('./commands/workflow-cancel.ts'),
  'workflow terminate': () => import('./commands/workflow-terminate.ts'),
  'workflow describe': () => import('./commands/workflow-describe.ts'),
  'workflow list': () => import('./commands/workflow-list.ts'),
  'workflow result': () => import('./commands/workflow-result.ts'),
  'workflow history': () => import('./commands/workflow-history.ts'),
  'history export': () => import('./commands/history-export.ts'),
  'history import': () => import('./commands/history-import.ts'),
  'history redact': () => import('./commands/history-redact.ts'),
  replay: () => import('./commands/replay.ts'),
  run: () => import('./commands/run.ts'),
  demo: () => import('./commands/demo.ts'),
};

function usage(): string {
  const names = Object.keys(COMMANDS).sort();
  return `Usage: reprise <command> [options]\n\nCommands:\n${names.map((n) => `  ${n}`).join('\n')}\n\nRun 'reprise <command> --help' for details.\n`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(usage());
    return argv.length === 0 ? 2 : 0;
  }
  // Longest matching prefix of words: `workflow start` before `workflow`.
  let key: string | undefined;
  let used = 0;
  for (let n = Math.min(3, argv.length); n >= 1; n--) {
    const candidate = argv.slice(0, n).join(' ');
    if (COMMANDS[candidate]) {
      key = candidate;
      used = n;
      break;
    }
  }
  if (!key) {
    io.stderr(
      `reprise: unknown command '${argv.slice(0, 2).join(' ')}'\nhint: run 'reprise --help' for the list\n`,
    );
    return 2;
  }
  const command = (await COMMANDS[key]!()).default;
  const rest = argv.slice(used);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.summary}\n\n${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`reprise ${key}: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr(`reprise ${key}: ${e?.message ?? String(err)}\n`);
    if (io.env.REPRISE_DEBUG) io.stderr(`${e?.stack ?? ''}\n`);
    else io.stderr('hint: set REPRISE_DEBUG=1 for the stack trace\n');
    return 1;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    env: process.env,
  });
  process.exitCode = code;
}
