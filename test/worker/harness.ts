/**
 * Process-level fault tests: worker child processes (the demo's child script) on a shared store,
 * crash points, and the invariants every fault test checks afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { is, WorkerChild } from '../../packages/cli/src/demo/children.ts';
import type { ChildConfig, FromChild } from '../../packages/cli/src/demo/protocol.ts';
import type { HistoryEvent, HistoryStore } from '../../packages/history-store/src/index.ts';
import { openStore } from '../../packages/history-store/src/postgres/open.ts';
import { DATABASE_URL, dropSchema, freshSchema } from '../store/support.ts';

export const WORKFLOWS = join(import.meta.dirname, 'fixtures/crash-workflow.ts');
export const ACTIVITIES = join(import.meta.dirname, 'fixtures/crash-activities.ts');
export const TASK_QUEUE = 'crash';

/** Where a fault test's store lives. */
export type Place = { dataDir: string } | { url: string; schema: string };

/** A fresh store location on the backend under test. */
export function freshPlace(backend: 'pglite' | 'postgres', appName?: string): Place {
  if (backend === 'pglite') return { dataDir: mkdtempSync(join(tmpdir(), 'reprise-fault-')) };
  const url = appName
    ? `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}application_name=${appName}`
    : DATABASE_URL;
  return { url, schema: freshSchema('wk') };
}

/** Deletes the test's data directory or schema. */
export async function cleanup(place: Place): Promise<void> {
  if ('dataDir' in place) rmSync(place.dataDir, { recursive: true, force: true });
  else await dropSchema(place.schema);
}

/** Opens the store at `place`, runs `fn`, closes it. */
export async function withStore<T>(place: Place, fn: (s: HistoryStore) => Promise<T>): Promise<T> {
  const s = await openStore(place);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Everything the workers reported. */
export class Reports {
  readonly messages: { worker: string; msg: FromChild }[] = [];
  of(worker: string) {
    return (msg: FromChild) => this.messages.push({ worker, msg });
  }
  logs(worker?: string): Extract<FromChild, { type: 'log' }>[] {
    return this.messages
      .filter((m) => worker === undefined || m.worker === worker)
      .map((m) => m.msg)
      .filter((m): m is Extract<FromChild, { type: 'log' }> => m.type === 'log');
  }
}

const spawned = new Set<WorkerChild>();

/** Kills every worker child still alive (call from `afterEach`, so a failed test leaves no process). */
export function killAll(): void {
  for (const c of spawned) if (c.proc.exitCode === null && c.proc.signalCode === null) c.kill('SIGKILL');
  spawned.clear();
}

/** Starts a worker child and waits until it is ready. */
export async function spawnWorker(
  name: string,
  place: Place,
  reports: Reports,
  extra: Partial<ChildConfig> = {},
): Promise<WorkerChild> {
  const config: ChildConfig = {
    store: place,
    workflowsPath: WORKFLOWS,
    activitiesPath: ACTIVITIES,
    taskQueue: TASK_QUEUE,
    identity: `worker-${name}`,
    leaseMs: 1000,
    forwardLogs: true,
    ...extra,
  };
  const child = new WorkerChild(name, config, reports.of(name));
  spawned.add(child);
  await child.next(is('ready'), 'ready', 60_000);
  return child;
}

/** Has worker `child` send the second signal to every run, and waits until they all close. */
export async function finishRuns(child: WorkerChild, ids: string[], signalSecond = true): Promise<void> {
  const closed = new Set<string>();
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`runs not closed within 45 s: ${ids.filter((i) => !closed.has(i))}`)),
      45_000,
    );
    child.proc.on('message', (m: FromChild) => {
      if (m.type === 'closed') {
        closed.add(m.workflowId);
        if (closed.size === ids.length) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
  });
  if (signalSecond)
    for (const id of ids) child.send({ type: 'signal', workflowId: id, signal: 'go', args: [2] });
  child.send({ type: 'watch', workflowIds: ids });
  await done;
}

/** Gracefully stops a child and waits for it to exit. */
export async function stop(child: WorkerChild): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.send({ type: 'shutdown' });
  await child.exited;
}

/** Starts `n` runs and sends each its first signal (buffered until the workflow has a handler). */
export async function startRuns(place: Place, n: number, prefix = 'r'): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
  await withStore(place, async (s) => {
    for (const id of ids) {
      await s.startWorkflow({
        workflowId: id,
        workflowType: 'crashWorkflow',
        taskQueue: TASK_QUEUE,
        input: [id],
      });
      await s.signalWorkflow({ workflowId: id }, { name: 'go', input: [1] });
    }
  });
  return ids;
}

/** What the invariants found; empty `problems` means every invariant holds. */
export interface InvariantReport {
  problems: string[];
  histories: Map<string, HistoryEvent[]>;
}

const OUTCOMES = new Set([
  'ActivityTaskCompleted',
  'ActivityTaskFailed',
  'ActivityTaskTimedOut',
  'ActivityTaskCanceled',
]);

/**
 * Every run completed with the expected result; event ids dense and unique; each signal delivered
 * exactly once; each activity's outcome recorded exactly once; no task, buffered event or request
 * rows left behind.
 */
export async function checkInvariants(
  place: Place,
  ids: string[],
  signals = [1, 2],
): Promise<InvariantReport> {
  const problems: string[] = [];
  const histories = new Map<string, HistoryEvent[]>();
  await withStore(place, async (s) => {
    for (const id of ids) {
      const info = await s.describeRun(id);
      if (info?.status !== 'completed') problems.push(`${id}: status ${info?.status ?? 'missing'}`);
      const h = await s.readHistory(id);
      histories.set(id, h);
      h.forEach((e, i) => {
        if (e.eventId !== i + 1) problems.push(`${id}: event #${i + 1} has id ${e.eventId}`);
      });
      const got = h
        .filter((e) => e.eventType === 'WorkflowExecutionSignaled')
        .map((e) => (e.input as number[])[0]);
      if (JSON.stringify([...got].sort()) !== JSON.stringify(signals))
        problems.push(`${id}: signals delivered ${JSON.stringify(got)}`);
      for (const e of h) {
        if (e.eventType !== 'ActivityTaskScheduled') continue;
        const outcomes = h.filter(
          (x) => OUTCOMES.has(x.eventType) && 'scheduledEventId' in x && x.scheduledEventId === e.eventId,
        );
        if (outcomes.length !== 1)
          problems.push(`${id}: activity ${e.activityId} has ${outcomes.length} outcomes`);
      }
      const end = h.at(-1);
      const expected = JSON.stringify([`a:${id}`, `b:${id}`, `c:${id}`, ...signals.map((n) => `go${n}`)]);
      if (end?.eventType !== 'WorkflowExecutionCompleted' || JSON.stringify(end.result) !== expected)
        problems.push(
          `${id}: ends with ${end?.eventType} ${JSON.stringify(end && 'result' in end ? end.result : undefined)}`,
        );
    }
  });
  problems.push(...(await leftoverRows(place)));
  return { problems, histories };
}

/** Rows that should not outlive closed runs. */
async function leftoverRows(place: Place): Promise<string[]> {
  const { PgDriver, PgliteDriver } = await import('../../packages/history-store/src/postgres/index.ts');
  const driver =
    'dataDir' in place
      ? await PgliteDriver.open(place.dataDir)
      : new PgDriver({ connectionString: place.url, max: 1 });
  const schema = 'schema' in place ? place.schema : 'reprise';
  const out: string[] = [];
  try {
    await driver.withClient(async (c) => {
      for (const table of ['tasks', 'buffered']) {
        const { rows } = await c.query(`SELECT count(*)::int AS n FROM "${schema}".${table}`);
        const n = Number(rows[0]?.n ?? 0);
        if (n > 0) out.push(`${n} orphaned rows in ${table}`);
      }
    });
  } finally {
    await driver.close();
  }
  return out;
}
