import { historyFromEvents, serializeHistory, writeHistoryFile } from '@reprise/history-store';
import type { CliCommand } from '../command.ts';
import { CliError } from '../command.ts';
import { dbOption, parse, positional } from './shared/args.ts';
import { withClient } from './shared/client.ts';

const usage =
  'reprise history export <workflowId> [--run-id <id>] [-o <file.json|.msgpack|.jsonl>] [--db <url|dir>]';

const command: CliCommand = {
  path: ['history', 'export'],
  summary:
    'Export the history of a run as a history file (JSON to stdout by default), e.g. to commit as a replay fixture.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { ...dbOption, 'run-id': { type: 'string' }, output: { type: 'string', short: 'o' } },
      usage,
    );
    const workflowId = positional(positionals, 0, 'workflowId', usage);
    return withClient(values.db, io, async (client) => {
      const handle = client.getHandle(workflowId, values['run-id']);
      const info = await handle.describe();
      const events = await client.store.readHistory(workflowId, info.runId);
      const history = historyFromEvents(events, {
        runId: info.runId,
        ...(info.buildId ? { buildId: info.buildId } : {}),
      });
      if (!values.output) {
        io.stdout(serializeHistory(history, 'json'));
        return 0;
      }
      try {
        await writeHistoryFile(values.output, history);
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
