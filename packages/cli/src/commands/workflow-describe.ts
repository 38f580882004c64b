import type { CliCommand } from '../command.ts';
import { formatDuration, formatTime, renderFields } from '../format/table.ts';
import { parseTarget, withTarget } from './shared/target.ts';

const usage = 'reprise workflow describe <workflowId> [--run-id <id>] [--json] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'describe'],
  summary: 'Show the state of a run: status, type, times, history length, and why it is blocked if it is.',
  usage,
  async run(argv, io) {
    const { values, target } = parseTarget(argv, { json: { type: 'boolean' } }, usage);
    return withTarget(target, io, async (handle, client) => {
      const info = await handle.describe();
      if (values.json) {
        io.stdout(`${JSON.stringify(info, null, 2)}\n`);
        return 0;
      }
      const end = info.closeTime ?? client.store.clock.now();
      io.stdout(
        renderFields([
          ['workflow id', info.workflowId],
          ['run id', info.runId],
          ['type', info.workflowType],
          ['task queue', info.taskQueue],
          ['status', info.blocked ? `${info.status} (BLOCKED)` : info.status],
          ['started', formatTime(info.startTime)],
          ['closed', formatTime(info.closeTime)],
          ['duration', formatDuration(end - info.startTime)],
          ['history', `${info.historyLength} events`],
          ['build id', info.buildId],
          ['parent', info.parent ? `${info.parent.workflowId} (run ${info.parent.runId})` : undefined],
          [
            'blocked',
            info.blocked
              ? `${info.blocked.cause} since ${formatTime(info.blocked.since)}, ${info.blocked.attempts} attempts: ${info.blocked.message.split('\n')[0]}`
              : undefined,
          ],
        ]),
      );
      return 0;
    });
  },
};
export default command;
