import type { CliCommand } from '../command.ts';
import { dbOption, parse, parseJsonArgs, positional } from './shared/args.ts';
import { withClient } from './shared/client.ts';

const usage =
  "reprise workflow signal <workflowId> <signalName> [--args '<json>'] [--run-id <id>] [--db <url|dir>]";

const command: CliCommand = {
  path: ['workflow', 'signal'],
  summary: 'Send a signal to a running workflow (delivered exactly once).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { ...dbOption, args: { type: 'string' }, 'run-id': { type: 'string' } },
      usage,
    );
    const workflowId = positional(positionals, 0, 'workflowId', usage);
    const name = positional(positionals, 1, 'signalName', usage);
    const args = parseJsonArgs(values.args);
    return withClient(values.db, io, async (client) => {
      await client.getHandle(workflowId, values['run-id']).signal(name, ...args);
      io.stdout(`signal ${name} sent to ${workflowId}\n`);
      return 0;
    });
  },
};
export default command;
