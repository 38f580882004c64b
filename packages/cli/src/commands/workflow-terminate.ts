import type { CliCommand } from '../command.ts';
import { dbOption, parse, positional } from './shared/args.ts';
import { withClient } from './shared/client.ts';

const usage = 'reprise workflow terminate <workflowId> [--reason <text>] [--run-id <id>] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'terminate'],
  summary: 'End a run at once, without running workflow code.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { ...dbOption, reason: { type: 'string' }, 'run-id': { type: 'string' } },
      usage,
    );
    const workflowId = positional(positionals, 0, 'workflowId', usage);
    return withClient(values.db, io, async (client) => {
      await client.getHandle(workflowId, values['run-id']).terminate(values.reason);
      io.stdout(`${workflowId}: terminated\n`);
      return 0;
    });
  },
};
export default command;
