import type { CliCommand } from '../command.ts';
import { dbOption, parse, positional } from './shared/args.ts';
import { withClient } from './shared/client.ts';

const usage = 'reprise workflow result <workflowId> [--run-id <id>] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'result'],
  summary: 'Wait for a run to close and print its result (non-zero exit if it failed).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...dbOption, 'run-id': { type: 'string' } }, usage);
    const workflowId = positional(positionals, 0, 'workflowId', usage);
    return withClient(values.db, io, async (client) => {
      const result = await client.getHandle(workflowId, values['run-id']).result();
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    });
  },
};
export default command;
