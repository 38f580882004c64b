/**
 * `reprise history redact <in>`: replaces the payload values of a history (inputs, results, signal
 * arguments, failure details) with deterministic placeholders of the same shape, so a production
 * history can be committed as a fixture. With --workflows it replays the original and the redacted
 * history and refuses to write a fixture that redaction broke.
 */
import { resolve } from 'node:path';
import {
  type History,
  readHistoryFile,
  redactHistory,
  serializeHistory,
  writeHistoryFile,
} from '@reprise/history-store';
import { type CliCommand, CliError, type CliIO } from '../command.ts';
import { parse, positional } from './shared/args.ts';
import { compileEntry } from './shared/replay.ts';

const usage = `reprise history redact <in> [-o <out.json|.msgpack>] [--salt <secret>] [--keep <path>...] [--workflows <entry>]

  --keep       a value to leave as it is because the workflow branches on it, e.g.
               'ActivityTaskCompleted.result.ok' or 'WorkflowExecutionStarted.input[0].country'
  --workflows  replay the redacted history against this code and fail (writing nothing) if it
               no longer replays`;

const command: CliCommand = {
  path: ['history', 'redact'],
  summary: 'Redact the payload values of a history so it can be committed as a fixture; keeps it replayable.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        output: { type: 'string', short: 'o' },
        salt: { type: 'string' },
        keep: { type: 'string', multiple: true },
        workflows: { type: 'string' },
      },
      usage,
    );
    const input = positional(positionals, 0, 'in', usage);
    let history: History;
    try {
      history = await readHistoryFile(resolve(io.cwd, input));
    } catch (err) {
      throw new CliError((err as Error).message, 'pass one history file (.json or .msgpack)', 2);
    }
    let redacted: History;
    try {
      redacted = redactHistory(history, {
        ...(values.salt !== undefined && { salt: values.salt }),
        ...(values.keep && { keep: values.keep }),
      });
    } catch (err) {
      throw new CliError(
        (err as Error).message,
        'check the --keep paths (EventType.field[0].key, * for any step)',
        2,
      );
    }
    if (values.workflows !== undefined) await checkReplay(io, values.workflows, history, redacted, input);
    if (values.output === undefined) {
      io.stdout(serializeHistory(redacted, 'json'));
      return 0;
    }
    try {
      await writeHistoryFile(resolve(io.cwd, values.output), redacted);
    } catch (err) {
      throw new CliError(
        `cannot write ${values.output}: ${(err as Error).message}`,
        'name the file .json or .msgpack',
        2,
      );
    }
    io.stderr(`wrote the redacted history of ${history.header.workflowId} to ${values.output}\n`);
    return 0;
  },
};
export default command;

/** Replays the original, then the redacted history; a redacted history that no longer replays is an error. */
async function checkReplay(
  io: CliIO,
  entry: string,
  original: History,
  redacted: History,
  input: string,
): Promise<void> {
  const bundle = await compileEntry(entry, io.cwd);
  const { Replayer } = await import('@reprise/runtime');
  const replayer = await Replayer.create({ bundle });
  try {
    const before = await replayer.replay({ ...original, name: input });
    if (!before.ok) {
      throw new CliError(
        `${input} does not replay against ${entry} even before redaction:\n${before.error.message}`,
        'redact histories recorded by this version of the code',
      );
    }
    const after = await replayer.replay({ ...redacted, name: `${input} (redacted)` });
    if (!after.ok) {
      throw new CliError(
        `the redacted history no longer replays against ${entry}; nothing was written:\n${after.error.message}`,
        'the workflow branches on a redacted value: name it with --keep (see the event and field in the diff)',
      );
    }
    io.stderr(`the redacted history replays against ${entry}\n`);
  } finally {
    await replayer.dispose();
  }
}
