import type { CliCommand } from '../command.ts';
import { parseTarget, withTarget } from './shared/target.ts';

const usage = 'reprise workflow cancel <workflowId> [--reason <text>] [--run-id <id>] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'cancel'],
  summary: 'Request cancellation: the workflow sees a cancelled scope and may clean up.',
  usage,
  async run(argv, io) {
    const { values, target } = parseTarget(argv, { reason: { type: 'string' } }, usage);
    return withTarget(target, io, async (handle) => {
      await handle.cancel(values.reason);
      io.stdout(`${target.workflowId}: cancel requested\n`);
      return 0;
    });
  },
};
export default command;
