import type { CliCommand } from '../command.ts';
import { renderHistory } from '../format/history.ts';
import { parseTarget, withTarget } from './shared/target.ts';

const usage = 'reprise workflow history <workflowId> [--run-id <id>] [--json] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'history'],
  summary: 'Print the event history of a run, one line per event.',
  usage,
  async run(argv, io) {
    const { values, target } = parseTarget(argv, { json: { type: 'boolean' } }, usage);
    return withTarget(target, io, async (handle) => {
      const events = await handle.fetchHistory();
      io.stdout(values.json ? `${JSON.stringify(events, null, 2)}\n` : renderHistory(events));
      return 0;
    });
  },
};
export default command;
