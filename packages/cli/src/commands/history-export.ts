import { historyFromEvents, serializeHistory, writeHistoryFile } from '@reprise/history-store';
import type { CliCommand } from '../command.ts';
import { CliError } from '../command.ts';
import { parse, positional, usageError } from './shared/args.ts';
import { targetOptions, withTarget } from './shared/target.ts';

const usage =
  'reprise history export <workflowId> [--run-id <id>] [-o <file.json|.msgpack|.jsonl>] [--format json|msgpack] [--db <url|dir>]';

const command: CliCommand = {
  path: ['history', 'export'],
  summary:
    'Export the history of a run as a history file (JSON to stdout by default), e.g. to commit as a replay fixture.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { ...targetOptions, output: { type: 'string', short: 'o' }, format: { type: 'string' } },
      usage,
    );
    const format = values.format;
    if (format !== undefined && format !== 'json' && format !== 'msgpack') {
      throw usageError(`--format must be json or msgpack, got '${format}'`, usage);
    }
    if (format === 'msgpack' && !values.output) {
      throw usageError('--format msgpack writes binary: pass -o <file>', usage);
    }
    const workflowId = positional(positionals, 0, 'workflowId', usage);
    const target = { workflowId, runId: values['run-id'], db: values.db };
    return withTarget(target, io, async (handle, client) => {
      const info = await handle.describe();
      const events = await client.store.readHistory(workflowId, info.runId);
      const history = historyFromEvents(events, {
        runId: info.runId,
        ...(info.buildId ? { buildId: info.buildId } : {}),
      });
      // No export time in the file: exporting a run twice (or after `history import`) gives the same
      // bytes, so re-exported fixtures do not churn in review.
      delete history.header.exportedAt;
      if (!values.output) {
        io.stdout(serializeHistory(history, 'json'));
        return 0;
      }
      try {
        await writeHistoryFile(values.output, history, format ? { format } : {});
      } catch (err) {
        throw new CliError(
          `cannot write ${values.output}: ${(err as Error).message}`,
          'name the file .json, .msgpack or .jsonl',
        );
      }
      io.stderr(
        `wrote ${events.length} events of ${workflowId} (run ${info.runId}, ${info.status}) to ${values.output}\n`,
      );
      return 0;
    });
  },
};
export default command;
