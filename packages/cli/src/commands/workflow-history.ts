import type { CliCommand } from '../command.ts';
import { renderHistory } from '../format/history.ts';
import { dbOption, parse, positional } from './shared/args.ts';
import { withClient } from './shared/client.ts';

const usage = 'reprise workflow history <workflowId> [--run-id <id>] [--json] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'history'],
  summary: 'Print the event history of a run, one line per event.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { ...dbOption, 'run-id': { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const workflowId = positional(positionals, 0, 'workflowId', usage);
    return withClient(values.db, io, async (client) => {
      const events = await client.getHandle(workflowId, values['run-id']).fetchHistory();
      io.stdout(values.json ? `${JSON.stringify(events, null, 2)}\n` : renderHistory(events));
      return 0;
    });
  },
};
export default command;
