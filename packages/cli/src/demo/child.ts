/**
 * A worker process of the demo (and of the crash tests): runs a {@link Worker} on the given store,
 * reports every activity attempt to the parent over IPC (so the parent can kill it at a known
 * point), and acts as the client for the parent, which cannot open an embedded store another
 * process holds. Its store clock can be moved forward (time skipping) on request.
 *
 * Started through `fork(child.ts, [JSON.stringify(config)], { execArgv: ['--no-node-snapshot'] })`.
 */
import { pathToFileURL } from 'node:url';
import type { HistoryEvent } from '@reprise/history-store';
import {
  type ActivityImplementations,
  activityContext,
  Client,
  type FaultPointHook,
  JsonLogger,
  type Logger,
  Worker,
} from '@reprise/runtime';
import type { ChildConfig, FromChild, ToChild } from './protocol.ts';

function send(msg: FromChild): void {
  process.send?.(msg);
}

/** Wraps each activity so the parent sees every attempt, and one chosen attempt runs slowly. */
function instrument(activities: ActivityImplementations, slow: ChildConfig['slow']): ActivityImplementations {
  const out: ActivityImplementations = {};
  for (const [name, fn] of Object.entries(activities)) {
    out[name] = async (...args: unknown[]) => {
      const ctx = activityContext();
      const { workflowId, attempt } = ctx.info;
      const base = { type: 'activity', activityType: name, workflowId, attempt, pid: process.pid } as const;
      send({ ...base, phase: 'start', at: Date.now() });
      try {
        if (
          slow &&
          slow.activityType === name &&
          slow.workflowId === workflowId &&
          slow.attempt === attempt
        ) {
          await ctx.sleep(slow.ms);
        }
        const result = await fn(...args);
        send({ ...base, phase: 'end', at: Date.now() });
        return result;
      } catch (err) {
        send({ ...base, phase: 'error', at: Date.now(), error: (err as Error).message });
        throw err;
      }
    };
  }
  return out;
}

/** A fault hook that kills this process the `nth` time `point` is reached. */
function crashAt(crash: NonNullable<ChildConfig['crash']>): FaultPointHook {
  let hits = 0;
  return (point) => {
    if (point === crash.point && ++hits === crash.nth) process.kill(process.pid, 'SIGKILL');
  };
}

const forwardingLogger: Logger = {
  log(level, msg, fields) {
    if (level === 'warn' || level === 'error')
      send({ type: 'log', level, msg, ...(fields ? { fields: plain(fields) } : {}) });
  },
};

function plain(fields: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(fields, (_k, v) =>
      v instanceof Error ? { message: v.message, code: (v as { code?: unknown }).code } : v,
    ),
  );
}

async function loadActivities(config: ChildConfig): Promise<ActivityImplementations> {
  const mod = (await import(pathToFileURL(config.activitiesPath).href)) as Record<string, unknown>;
  if (config.activitiesFactory) {
    const factory = mod[config.activitiesFactory];
    if (typeof factory !== 'function')
      throw new Error(`${config.activitiesPath} has no export ${config.activitiesFactory}`);
    return (factory as () => ActivityImplementations)();
  }
  const out: ActivityImplementations = {};
  for (const [k, v] of Object.entries(mod))
    if (typeof v === 'function') out[k] = v as ActivityImplementations[string];
  return out;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  let offset = config.clockOffsetMs ?? 0;
  const clock = { now: () => Date.now() + offset };
  const { openStore } = await import('@reprise/history-store/postgres');
  const store = await openStore({ ...config.store, clock });
  await store.init();
  const worker = await Worker.create({
    store,
    workflowsPath: config.workflowsPath,
    activities: instrument(await loadActivities(config), config.slow),
    taskQueue: config.taskQueue,
    identity: config.identity,
    workflowTaskLeaseMs: config.leaseMs,
    activityLeaseMs: config.leaseMs,
    pollIntervalMs: 200,
    logger: config.forwardLogs
      ? forwardingLogger
      : new JsonLogger({ level: process.env.REPRISE_DEMO_LOGS ? 'debug' : 'error' }),
    ...(config.crash ? { faultPoint: crashAt(config.crash) } : {}),
  });
  const client = new Client({ store, identity: `${config.identity}-client` });
  const running = worker.run();
  send({ type: 'ready', pid: process.pid, buildId: worker.buildId ?? '' });

  const chores: Promise<void>[] = [];
  const chore = (p: Promise<void>) =>
    chores.push(
      p.catch((err: unknown) => send({ type: 'failed', message: (err as Error)?.message ?? String(err) })),
    );
  process.on('message', (msg: ToChild) => {
    switch (msg.type) {
      case 'shutdown':
        void worker
          .shutdown()
          .then(() => store.close())
          .then(() => {
            send({ type: 'stopped' });
            process.disconnect?.();
          });
        break;
      case 'signal':
        chore(
          client
            .getHandle(msg.workflowId)
            .signal(msg.signal, ...msg.args)
            .then(() => send({ type: 'signalled', workflowId: msg.workflowId, signal: msg.signal })),
        );
        break;
      case 'skip':
        offset += msg.ms;
        send({ type: 'skipped', ms: msg.ms, offsetMs: offset });
        break;
      case 'wait-for-timers':
        chore(
          Promise.all(
            msg.workflowIds.map((id) =>
              untilHistory(client, id, (h) => count(h, 'TimerStarted') >= msg.count),
            ),
          ).then(() => send({ type: 'timers-started', workflowIds: msg.workflowIds })),
        );
        break;
      case 'signal-when-waiting':
        for (const id of msg.workflowIds)
          chore(
            untilHistory(client, id, (h) => count(h, 'TimerStarted') >= msg.afterTimers).then(async () => {
              await client.getHandle(id).signal(msg.signal, ...msg.args);
              send({ type: 'signalled', workflowId: id, signal: msg.signal });
            }),
          );
        break;
      case 'watch':
        for (const id of msg.workflowIds)
          chore(
            client
              .getHandle(id)
              .result()
              .then(
                (result) => send({ type: 'closed', workflowId: id, status: 'completed', result }),
                (err: unknown) =>
                  send({ type: 'closed', workflowId: id, status: 'failed', error: (err as Error).message }),
              ),
          );
        break;
    }
  });
  await running;
}

function count(events: HistoryEvent[], type: HistoryEvent['eventType']): number {
  let n = 0;
  for (const e of events) if (e.eventType === type) n++;
  return n;
}

async function untilHistory(
  client: Client,
  workflowId: string,
  done: (h: HistoryEvent[]) => boolean,
): Promise<void> {
  const handle = client.getHandle(workflowId);
  while (!done(await handle.fetchHistory())) await new Promise((r) => setTimeout(r, 100));
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: (err as Error)?.stack ?? String(err) });
  process.exitCode = 1;
});
