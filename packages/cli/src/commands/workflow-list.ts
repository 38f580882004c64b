import type { CliCommand } from '../command.ts';
import { CliError } from '../command.ts';
import { formatTime, renderTable } from '../format/table.ts';
import { dbOption, isRunStatus, parse, parseIntFlag, RUN_STATUSES } from './shared/args.ts';
import { withClient } from './shared/client.ts';

const usage =
  'reprise workflow list [--type <workflowType>] [--status <status>[,<status>]] [--task-queue <q>] [--blocked] [--limit <n>] [--json] [--db <url|dir>]';

const command: CliCommand = {
  path: ['workflow', 'list'],
  summary: 'List runs, newest first, filtered by type, status or task queue.',
  usage,
  async run(argv, io) {
    const { values } = parse(
      argv,
      {
        ...dbOption,
        type: { type: 'string' },
        status: { type: 'string' },
        'task-queue': { type: 'string' },
        blocked: { type: 'boolean' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const status = values.status?.split(',').map((s) => {
      if (!isRunStatus(s))
        throw new CliError(`unknown status '${s}'`, `use one of: ${RUN_STATUSES.join(', ')}`, 2);
      return s;
    });
    const limit = parseIntFlag(values.limit, '--limit', 50);
    return withClient(values.db, io, async (client) => {
      const runs = [];
      for await (const run of client.list({
        limit: Math.min(limit, 500),
        ...(values.type ? { workflowType: values.type } : {}),
        ...(status ? { status } : {}),
        ...(values['task-queue'] ? { taskQueue: values['task-queue'] } : {}),
        ...(values.blocked ? { blockedOnly: true } : {}),
      })) {
        runs.push(run);
        if (runs.length >= limit) break;
      }
      if (values.json) {
        io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
        return 0;
      }
      io.stdout(
        renderTable(
          runs,
          [
            { header: 'WORKFLOW ID', cell: (r) => r.workflowId, max: 40 },
            { header: 'TYPE', cell: (r) => r.workflowType, max: 24 },
            {
              header: 'STATUS',
              cell: (r) => (r.blocked ? `${r.status} (blocked: ${r.blocked.cause})` : r.status),
            },
            { header: 'STARTED', cell: (r) => formatTime(r.startTime) },
            { header: 'CLOSED', cell: (r) => formatTime(r.closeTime) },
            { header: 'EVENTS', cell: (r) => String(r.historyLength), align: 'right' },
            { header: 'RUN ID', cell: (r) => r.runId, max: 36 },
          ],
          '(no runs match)\n',
        ),
      );
      return 0;
    });
  },
};
export default command;
