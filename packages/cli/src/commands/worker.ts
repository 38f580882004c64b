import { isAbsolute, resolve } from 'node:path';
import { JsonLogger, type LogLevel, Worker } from '@reprise/runtime';
import { type CliCommand, CliError } from '../command.ts';
import { Progress } from '../format/progress.ts';
import { loadActivities } from './shared/activities.ts';
import { dbOption, parse, parseIntFlag, requireFlag, usageError } from './shared/args.ts';
import { describeLocation, openCliStore, storeLocation } from './shared/db.ts';

const usage =
  'reprise worker --workflows <entry> [--activities <module>] --task-queue <queue> [--db <url|dir>] ' +
  '[--max-workflow-tasks <n>] [--max-activities <n>] [--activity-lease <ms>] [--isolation process|inline] [--log-level debug|info|warn|error]';

const LEVELS = ['debug', 'info', 'warn', 'error'];

const command: CliCommand = {
  path: ['worker'],
  summary: 'Run a worker: workflow tasks in sandboxes, activities on this host, until Ctrl-C.',
  usage,
  async run(argv, io) {
    const { values } = parse(
      argv,
      {
        ...dbOption,
        workflows: { type: 'string', short: 'w' },
        activities: { type: 'string', short: 'a' },
        'task-queue': { type: 'string', short: 'q' },
        identity: { type: 'string' },
        'max-workflow-tasks': { type: 'string' },
        'max-activities': { type: 'string' },
        'activity-lease': { type: 'string' },
        isolation: { type: 'string' },
        'log-level': { type: 'string' },
      },
      usage,
    );
    const taskQueue = requireFlag(values['task-queue'], '--task-queue', usage);
    if (!values.workflows && !values.activities)
      throw usageError('nothing to run: pass --workflows <entry>, --activities <module>, or both', usage);
    const level = values['log-level'] ?? 'info';
    if (!LEVELS.includes(level))
      throw new CliError(`--log-level must be one of ${LEVELS.join(', ')}`, undefined, 2);
    const isolation = values.isolation;
    if (isolation !== undefined && isolation !== 'process' && isolation !== 'inline')
      throw new CliError("--isolation must be 'process' or 'inline'", undefined, 2);
    const activities = values.activities ? await loadActivities(values.activities, io.cwd) : undefined;
    const workflowsPath = values.workflows
      ? isAbsolute(values.workflows)
        ? values.workflows
        : resolve(io.cwd, values.workflows)
      : undefined;

    const store = await openCliStore(values.db, io);
    let worker: Worker;
    try {
      worker = await Worker.create({
        store,
        taskQueue,
        ...(workflowsPath ? { workflowsPath } : { enableWorkflows: false }),
        ...(activities ? { activities } : {}),
        ...(values.identity ? { identity: values.identity } : {}),
        ...(isolation ? { isolation } : {}),
        maxConcurrentWorkflowTasks: parseIntFlag(values['max-workflow-tasks'], '--max-workflow-tasks', 4),
        maxConcurrentActivities: parseIntFlag(values['max-activities'], '--max-activities', 100),
        activityLeaseMs: parseIntFlag(values['activity-lease'], '--activity-lease', 10_000),
        logger: new JsonLogger({ level: level as LogLevel, write: io.stderr }),
      });
    } catch (err) {
      await store.close();
      throw err;
    }
    io.stdout(
      `worker on task queue '${taskQueue}' (${describeLocation(storeLocation(values.db, io))}), build ${worker.buildId ?? '(activities only)'}; Ctrl-C to stop\n`,
    );
    let signals = 0;
    const onSignal = () => {
      signals++;
      if (signals === 1) {
        io.stdout('\nshutting down: finishing the tasks in hand (Ctrl-C again to exit at once)\n');
        void worker.shutdown();
      } else process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const progress = new Progress(io);
    const ticker = setInterval(() => {
      const s = worker.stats;
      progress.update(
        `workflow tasks ${s.workflowTasksCompleted} (failed ${s.workflowTasksFailed}) · activities ${s.activitiesCompleted} (failed ${s.activitiesFailed}, retries ${s.activityRetries}) · cached runs ${s.cachedRuns}`,
      );
    }, 1000);
    try {
      await worker.run();
    } finally {
      clearInterval(ticker);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await store.close();
    }
    const s = worker.stats;
    progress.done(
      `worker stopped: ${s.workflowTasksCompleted} workflow tasks, ${s.activitiesCompleted} activities completed`,
    );
    return 0;
  },
};
export default command;
