/**
 * The demo: three orders on a fresh embedded store; worker A (a child process) is killed with
 * SIGKILL in the middle of a payment attempt; worker B takes the runs over and finishes them; the
 * approvals are sent; then the history of the affected order and a computed proof are printed.
 *
 * The store clock of worker B is moved forward twice instead of waiting in real time: past the lost
 * attempt's start-to-close deadline (1 minute: without heartbeats, that is when the store may give the
 * attempt to another worker) and through the orders' 1-hour cooling-off sleep. Both skips are printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { HistoryEvent, HistoryStore, RunInfo } from '@reprise/history-store';
import { Client } from '@reprise/runtime';
import type { CliIO } from '../command.ts';
import { renderHistory } from '../format/history.ts';
import { formatDuration } from '../format/table.ts';
import { is, WorkerChild } from './children.ts';
import type { ChildConfig, FromChild } from './protocol.ts';
import { type AttemptReport, prove, renderProof } from './summary.ts';

const ROOT = join(import.meta.dirname, '../../../..');
const WORKFLOWS = join(ROOT, 'fixtures/workflows/order.ts');
const ACTIVITIES = join(ROOT, 'fixtures/activities/order.ts');
const TASK_QUEUE = 'orders';
const ORDERS = ['order-1', 'order-2', 'order-3'];
/** The attempt worker A dies in: order-2's payment fails once (transient), attempt 2 is the victim. */
const VICTIM = { activityType: 'chargePayment', workflowId: 'order-2', attempt: 2 };
const START_TO_CLOSE_MS = 60_000;
const COOLING_OFF_MS = 3_600_000;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Store location: a directory for the embedded store (default a fresh temp dir), or a Postgres URL. */
  store?: { dataDir: string } | { url: string };
  keep?: boolean;
}

/** Runs the demo, printing as it goes; resolves to the exit code (0 when every check holds). */
export async function runDemo(io: CliIO, options: DemoOptions = {}): Promise<number> {
  const t0 = Date.now();
  const fresh = options.store === undefined;
  const store = options.store ?? { dataDir: mkdtempSync(join(tmpdir(), 'reprise-demo-')) };
  const say = (text: string) => io.stdout(`${`[${formatDuration(Date.now() - t0)}]`.padEnd(9)} ${text}\n`);
  const where =
    'dataDir' in store ? `embedded PGlite store in ${store.dataDir}${fresh ? ' (fresh)' : ''}` : store.url;
  io.stdout(
    `\nReprise demo: orders that survive a worker killed with SIGKILL in the middle of an activity\n`,
  );
  io.stdout(`store: ${where}\nworkflow: orderWorkflow from ${relative(io.cwd, WORKFLOWS) || WORKFLOWS}\n\n`);

  const children: WorkerChild[] = [];
  try {
    // 1. Start the orders (the parent holds the embedded store only while no worker does).
    await withStore(store, async (s) => {
      const client = new Client({ store: s, identity: 'demo' });
      for (const id of ORDERS) {
        await client.start('orderWorkflow', {
          workflowId: id,
          taskQueue: TASK_QUEUE,
          args: [
            {
              orderId: id,
              amountCents: 1299 + 100 * ORDERS.indexOf(id),
              items: [{ sku: 'tea-sencha', quantity: 2 }],
              ...(id === VICTIM.workflowId ? { paymentFailures: 1 } : {}),
            },
          ],
        });
      }
    });
    say(`started ${ORDERS.join(', ')} (${VICTIM.workflowId}'s payment gateway will time out once)`);

    // 2. Worker A runs until it is killed in the middle of the victim attempt.
    const attempts: AttemptReport[] = [];
    const killed = new Set<string>();
    const onMessage = (worker: string) => (m: FromChild) => {
      if (m.type !== 'activity') return;
      attempts.push({ ...m, worker });
      const verb = m.phase === 'start' ? 'started ' : m.phase === 'end' ? 'finished' : 'FAILED  ';
      say(
        `  worker ${worker}: ${m.activityType}(${m.workflowId}) attempt ${m.attempt} ${verb}${m.error ? ` (${m.error})` : ''}`,
      );
    };
    const config = (identity: string, extra: Partial<ChildConfig> = {}): ChildConfig => ({
      store,
      workflowsPath: WORKFLOWS,
      activitiesPath: ACTIVITIES,
      activitiesFactory: 'createOrderActivities',
      taskQueue: TASK_QUEUE,
      identity,
      leaseMs: 2000,
      ...extra,
    });
    const a = new WorkerChild('A', config('worker-A', { slow: { ...VICTIM, ms: 30_000 } }), onMessage('A'));
    children.push(a);
    const readyA = await a.next(is('ready'), 'ready', 60_000);
    say(`worker A started (pid ${readyA.pid}, build ${readyA.buildId.slice(0, 12)})`);
    await a.next(
      (m): m is Extract<FromChild, { type: 'activity' }> =>
        m.type === 'activity' &&
        m.phase === 'start' &&
        m.activityType === VICTIM.activityType &&
        m.workflowId === VICTIM.workflowId &&
        m.attempt === VICTIM.attempt,
      'victim attempt',
      60_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    a.kill('SIGKILL');
    killed.add('A');
    const exitA = await a.exited;
    say(
      `KILLED worker A with ${exitA.signal} while ${VICTIM.activityType}(${VICTIM.workflowId}) attempt ${VICTIM.attempt} was running`,
    );

    // 3. Worker B takes over.
    const b = new WorkerChild('B', config('worker-B'), onMessage('B'));
    children.push(b);
    const readyB = await b.next(is('ready'), 'ready', 60_000);
    say(`worker B started (pid ${readyB.pid}); it finds the runs where worker A left them`);
    say(
      `  the lost attempt keeps its lease until its start-to-close deadline (${formatDuration(START_TO_CLOSE_MS)}, no heartbeats); ` +
        'skipping the store clock past it instead of waiting',
    );
    b.send({ type: 'skip', ms: START_TO_CLOSE_MS + 5000 });
    b.send({ type: 'watch', workflowIds: ORDERS });
    b.send({ type: 'wait-for-timers', workflowIds: ORDERS, count: 1 });
    await b.next(is('timers-started'), 'timers-started', 60_000);
    say(
      `every order is in its ${formatDuration(COOLING_OFF_MS)} cooling-off sleep (a durable timer); skipping the clock 1 hour`,
    );
    b.send({ type: 'skip', ms: COOLING_OFF_MS + 1000 });
    b.send({
      type: 'signal-when-waiting',
      workflowIds: ORDERS,
      signal: 'approve',
      args: ['ana@example.com'],
      afterTimers: 2,
    });
    const closed = new Map<string, Extract<FromChild, { type: 'closed' }>>();
    const signalled: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the orders did not complete within 60 s')), 60_000);
      b.proc.on('message', (m: FromChild) => {
        if (m.type === 'signalled') {
          signalled.push(m.workflowId);
          say(`approval sent to ${m.workflowId} (it was waiting for it)`);
        } else if (m.type === 'closed') {
          closed.set(m.workflowId, m);
          say(`${m.workflowId} ${m.status}${m.error ? `: ${m.error}` : ''}`);
          if (closed.size === ORDERS.length) {
            clearTimeout(timer);
            resolve();
          }
        } else if (m.type === 'failed') reject(new Error(`worker B: ${m.message}`));
      });
    });
    b.send({ type: 'shutdown' });
    await b.exited;
    say('worker B shut down gracefully');

    // 4. Show: the history of the order whose attempt was lost, and the computed proof.
    const facts = await withStore(store, async (s) => {
      const histories = new Map<string, HistoryEvent[]>();
      const runs: RunInfo[] = [];
      for (const id of ORDERS) {
        histories.set(id, await s.readHistory(id));
        const info = await s.describeRun(id);
        if (info) runs.push(info);
      }
      return { histories, runs };
    });
    io.stdout(
      `\nHistory of ${VICTIM.workflowId} (as stored; time is the store clock, which skipped ahead twice):\n`,
    );
    io.stdout(renderHistory(facts.histories.get(VICTIM.workflowId) ?? []));
    io.stdout("\nWhat happened to every activity (workers' reports next to the stored histories):\n");
    const proof = prove(facts.histories, facts.runs, attempts, killed);
    io.stdout(renderProof(proof));
    const ok = proof.allCompleted && proof.exactlyOnce && proof.denseIds && proof.lost.length > 0;
    io.stdout(
      ok
        ? `Recovered: the attempt lost with worker A was retried by worker B, every order completed, and each result is in history exactly once. (${formatDuration(Date.now() - t0)})\n`
        : 'A check FAILED: see the table above.\n',
    );
    if (!fresh || options.keep)
      io.stdout(
        `Inspect it: reprise workflow history ${VICTIM.workflowId} --db ${'dataDir' in store ? store.dataDir : store.url}\n`,
      );
    return ok ? 0 : 1;
  } finally {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.kill('SIGKILL');
    if (fresh && !options.keep && 'dataDir' in store) rmSync(store.dataDir, { recursive: true, force: true });
  }
}

async function withStore<T>(
  where: { dataDir: string } | { url: string },
  fn: (s: HistoryStore) => Promise<T>,
): Promise<T> {
  const { openStore } = await import('@reprise/history-store/postgres');
  const s = await openStore(where);
  try {
    await s.init();
    return await fn(s);
  } finally {
    await s.close();
  }
}
