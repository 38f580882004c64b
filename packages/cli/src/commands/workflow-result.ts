import type { CliCommand } from '../command.ts';
import { parseTarget, withTarget } from './shared/target.ts';

const usage = 'reprise workflow result <workflowId> [--run-id <id>] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'result'],
  summary: 'Wait for a run to close and print its result (non-zero exit if it failed).',
  usage,
  async run(argv, io) {
    const { target } = parseTarget(argv, {}, usage);
    return withTarget(target, io, async (handle) => {
      const result = await handle.result();
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    });
  },
};
export default command;
