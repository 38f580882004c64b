import type { CliCommand } from '../command.ts';
import { parseJsonArgs, positional } from './shared/args.ts';
import { parseTarget, withTarget } from './shared/target.ts';

const usage =
  "reprise workflow signal <workflowId> <signalName> [--args '<json>'] [--run-id <id>] [--db <url|dir>]";

const command: CliCommand = {
  path: ['workflow', 'signal'],
  summary: 'Send a signal to a running workflow (delivered exactly once).',
  usage,
  async run(argv, io) {
    const { values, positionals, target } = parseTarget(argv, { args: { type: 'string' } }, usage);
    const name = positional(positionals, 1, 'signalName', usage);
    const args = parseJsonArgs(values.args);
    return withTarget(target, io, async (handle) => {
      await handle.signal(name, ...args);
      io.stdout(`signal ${name} sent to ${target.workflowId}\n`);
      return 0;
    });
  },
};
export default command;
