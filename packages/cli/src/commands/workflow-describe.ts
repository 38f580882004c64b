import type { CliCommand } from '../command.ts';
import { formatDuration, formatTime, renderFields } from '../format/table.ts';
import { dbOption, parse, positional } from './shared/args.ts';
import { withClient } from './shared/client.ts';

const usage = 'reprise workflow describe <workflowId> [--run-id <id>] [--json] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'describe'],
  summary: 'Show the state of a run: status, type, times, history length, and why it is blocked if it is.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { ...dbOption, 'run-id': { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const workflowId = positional(positionals, 0, 'workflowId', usage);
    return withClient(values.db, io, async (client) => {
      const info = await client.getHandle(workflowId, values['run-id']).describe();
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
