import { randomUUID } from 'node:crypto';
import type { CliCommand } from '../command.ts';
import { renderFields } from '../format/table.ts';
import { dbOption, parse, parseJsonArgs, positional, requireFlag } from './shared/args.ts';
import { withClient } from './shared/client.ts';

const usage =
  "reprise workflow start <workflowType> --task-queue <queue> [--workflow-id <id>] [--args '<json>'] [--wait] [--db <url|dir>]";

const command: CliCommand = {
  path: ['workflow', 'start'],
  summary: 'Start a workflow run (and optionally wait for its result).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        ...dbOption,
        'task-queue': { type: 'string', short: 'q' },
        'workflow-id': { type: 'string' },
        args: { type: 'string' },
        wait: { type: 'boolean' },
      },
      usage,
    );
    const type = positional(positionals, 0, 'workflowType', usage);
    const taskQueue = requireFlag(values['task-queue'], '--task-queue', usage);
    const workflowId = values['workflow-id'] ?? `${type}-${randomUUID().slice(0, 8)}`;
    const args = parseJsonArgs(values.args);
    return withClient(values.db, io, async (client) => {
      const handle = await client.start(type, { workflowId, taskQueue, args });
      io.stdout(
        renderFields([
          ['workflow id', workflowId],
          ['run id', handle.runId],
          ['type', type],
          ['task queue', taskQueue],
        ]),
      );
      if (values.wait) {
        const result = await handle.result();
        io.stdout(`result: ${JSON.stringify(result)}\n`);
      }
      return 0;
    });
  },
};
export default command;
