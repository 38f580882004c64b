import { isAbsolute, resolve } from 'node:path';
import { type RunInfo, writeHistoryFile } from '@reprise/history-store';
import { parseDuration } from '@reprise/runtime/workflow';
import { TestWorkflowEnvironment, type TestWorkflowHandle } from '@reprise/testing';
import { type CliCommand, CliError, type CliIO } from '../command.ts';
import { loadActivities } from './shared/activities.ts';
import { parse, parseJsonArgs, positional, requireFlag } from './shared/args.ts';

const usage =
  'reprise run --workflows <entry> [--activities <module>] <workflowType> [--args <json>] ' +
  '[--signal <name>=<json> ...] [--history-out <file>] [--task-queue <queue>] [--workflow-id <id>] [--max-time <duration>]';

interface SignalToSend {
  name: string;
  args: unknown[];
}

const command: CliCommand = {
  path: ['run'],
  summary:
    'Run one workflow to completion on a throwaway in-process store, skipping time, and write its history (the quickest way to record a replay fixture).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        workflows: { type: 'string', short: 'w' },
        activities: { type: 'string', short: 'a' },
        args: { type: 'string' },
        signal: { type: 'string', multiple: true },
        'history-out': { type: 'string', short: 'o' },
        'task-queue': { type: 'string', short: 'q' },
        'workflow-id': { type: 'string' },
        'max-time': { type: 'string' },
      },
      usage,
    );
    const workflowType = positional(positionals, 0, 'workflowType', usage);
    const entry = requireFlag(values.workflows, '--workflows <entry>', usage);
    const args = parseJsonArgs(values.args);
    const signals = (values.signal ?? []).map(parseSignal);
    const maxTimeMs = parseMaxTime(values['max-time']);
    const activities = values.activities ? await loadActivities(values.activities, io.cwd) : {};
    const workflowsPath = isAbsolute(entry) ? entry : resolve(io.cwd, entry);

    const env = await TestWorkflowEnvironment.create({
      workflowsPath,
      activities,
      ...(values['task-queue'] ? { taskQueue: values['task-queue'] } : {}),
    });
    try {
      const started = env.currentTime();
      const wallStarted = Date.now();
      const handle = await env.client.start(workflowType, {
        args,
        ...(values['workflow-id'] ? { workflowId: values['workflow-id'] } : {}),
      });
      io.stderr(`started ${workflowType} as ${handle.workflowId}\n`);
      const elapsed = () => formatDuration(env.currentTime() - started);
      for (const s of signals) {
        await env.waitForIdle();
        const info = await handle.describe();
        if (info.status !== 'running') {
          io.stderr(`the run closed (${info.status}) before signal '${s.name}' was sent; not sending it\n`);
          break;
        }
        await handle.signal(s.name, ...s.args);
        io.stderr(`sent signal '${s.name}' at +${elapsed()}\n`);
      }
      const info = await runToEnd(env, handle, started + maxTimeMs);
      const code = await report(handle, info, io);
      io.stderr(`${info.status} after ${elapsed()} of workflow time (${Date.now() - wallStarted} ms)\n`);
      if (values['history-out']) await saveHistory(handle, values['history-out'], io);
      return code;
    } finally {
      await env.teardown();
    }
  },
};
export default command;

/** Lets time pass, one wake-up at a time, until the run closes, blocks, or nothing is scheduled. */
async function runToEnd(env: TestWorkflowEnvironment, handle: TestWorkflowHandle, deadline: number) {
  for (;;) {
    await env.waitForIdle();
    const info = await handle.describe();
    if (info.status !== 'running' || info.blocked) return info;
    const wake = await env.nextWakeTime();
    if (wake === undefined) return info;
    if (wake > deadline) return info;
    await env.sleep(Math.max(0, wake - env.currentTime()));
  }
}

/** Prints the outcome; returns the exit code. */
async function report(handle: TestWorkflowHandle, info: RunInfo, io: CliIO): Promise<number> {
  if (info.status === 'completed') {
    io.stdout(`${JSON.stringify(await handle.result(), null, 2)}\n`);
    return 0;
  }
  if (info.status === 'running' && info.blocked) {
    io.stderr(
      `the run is blocked: its workflow task failed (${info.blocked.cause}): ${info.blocked.message}\n`,
    );
    return 1;
  }
  if (info.status === 'running') {
    io.stderr(
      'the run is still waiting with nothing scheduled (a signal or condition with no timeout, or past --max-time)\n' +
        'hint: pass the signals it waits for with --signal <name>=<json>, in the order it needs them\n',
    );
    return 1;
  }
  const failure = await handle.result().then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  io.stderr(`${failure?.message ?? `the run closed as ${info.status}`}\n`);
  // The failure chain (activity failure, its application error, ...): one line each.
  let last = failure?.message ?? '';
  let cause = (failure as { cause?: unknown } | undefined)?.cause;
  for (let depth = 0; cause instanceof Error && depth < 10; depth++) {
    const type = (cause as { type?: unknown }).type;
    // The run's failure repeats the message of the error that failed it.
    if (!last.endsWith(cause.message))
      io.stderr(`  caused by: ${cause.message}${typeof type === 'string' ? ` (${type})` : ''}\n`);
    last = cause.message;
    cause = cause.cause;
  }
  return 1;
}

async function saveHistory(handle: TestWorkflowHandle, file: string, io: CliIO): Promise<void> {
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  const history = await handle.fetchHistory();
  try {
    await writeHistoryFile(path, history);
  } catch (err) {
    throw new CliError(
      `cannot write ${path}: ${(err as Error).message}`,
      'name the file .json, .msgpack or .jsonl, in a folder that exists',
    );
  }
  io.stderr(`wrote ${history.events.length} events to ${path}\n`);
}

/** `name=<json>` (an array is the argument list), or a bare `name` for a signal without arguments. */
function parseSignal(text: string): SignalToSend {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  if (name === '')
    throw new CliError(`--signal '${text}' has no name`, 'write --signal approve=\'"ana"\' (name=json)', 2);
  return { name, args: eq < 0 ? [] : parseJsonArgs(text.slice(eq + 1), `--signal ${name}`) };
}

function parseMaxTime(text: string | undefined): number {
  if (text === undefined) return 366 * 24 * 3_600_000;
  try {
    return parseDuration(text, '--max-time');
  } catch (err) {
    throw new CliError((err as Error).message, "e.g. --max-time '30 days'", 2);
  }
}

/** A short human duration: `7d 1h`, `2m 5s`, `40ms`. */
function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let s = Math.floor(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.slice(0, 2).join(' ');
}
