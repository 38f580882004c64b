import type { CliCommand } from '../command.ts';
import { parseTarget, withTarget } from './shared/target.ts';

const usage = 'reprise workflow terminate <workflowId> [--reason <text>] [--run-id <id>] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'terminate'],
  summary: 'End a run at once, without running workflow code.',
  usage,
  async run(argv, io) {
    const { values, target } = parseTarget(argv, { reason: { type: 'string' } }, usage);
    return withTarget(target, io, async (handle) => {
      await handle.terminate(values.reason);
      io.stdout(`${target.workflowId}: terminated\n`);
      return 0;
    });
  },
};
export default command;
