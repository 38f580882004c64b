/**
 * Records the histories of the worked migration in `fixtures/versioning/histories/`: order runs
 * executed by the v1 code and by the v2 code, in the simulator, through the real compiler and
 * sandbox. Closed runs are whole histories; open runs are the history as the store holds it after a
 * given workflow task (a prefix that ends with that task's commands).
 *
 * Run from the repository root: `npx -y pnpm@12.4.2 exec node --no-node-snapshot test/versioning/record-fixtures.ts`.
 * Recording is deterministic: running it again writes the same files (except `exportedAt`).
 */
import { join } from 'node:path';
import { historyFromEvents, writeHistoryFile } from '../../packages/history-store/src/file/index.ts';
import type { HistoryEvent } from '../../packages/history-store/src/index.ts';
import { compileWorkflows } from '../../packages/runtime/src/compiler/index.ts';
import { createWorkflowSandbox } from '../../packages/runtime/src/sandbox/index.ts';
import { type SimulationScript, simulate } from '../../packages/runtime/src/simulator/index.ts';

const root = join(import.meta.dirname, '../../fixtures/versioning');

interface Scenario {
  name: string;
  script: Omit<SimulationScript, 'workflowType'>;
  /** Keep the run open: cut the history after the workflow task that starts this timer (1-based). */
  openAtTimer?: number;
}

const order = (id: string, amountCents = 4200) => ({
  orderId: id,
  amountCents,
  items: [{ sku: 'sku-1', quantity: 1 }],
});
const approved = { signals: [{ name: 'approve', args: ['ops@example.com'], atMs: 2 * 3_600_000 }] };
const activities = {
  checkInventory: { status: 'completed', result: { ok: true, reserved: 1 } },
  chargePayment: { status: 'completed', result: 'ch_1' },
  fraudCheck: { status: 'completed', result: { ok: true, score: 3 } },
  fulfil: { status: 'completed', result: 'trk_1' },
  refund: { status: 'completed', result: 're_1' },
} as const;

const scenarios: Scenario[] = [
  { name: 'fulfilled', script: { args: [order('o-1')], activities, ...approved } },
  { name: 'refunded', script: { args: [order('o-2')], activities } },
  {
    name: 'card-declined',
    script: {
      args: [order('o-3')],
      activities: {
        ...activities,
        chargePayment: {
          status: 'failed',
          failure: {
            message: 'card declined',
            type: 'CardDeclined',
            source: 'ApplicationFailure',
            nonRetryable: true,
          },
        },
      },
    },
  },
  // Open: charged and cooling off (past the patch point).
  { name: 'open-cooling-off', script: { args: [order('o-4')], activities, ...approved }, openAtTimer: 1 },
  // Open: waiting for approval.
  {
    name: 'open-awaiting-approval',
    script: { args: [order('o-5')], activities, ...approved },
    openAtTimer: 2,
  },
];

const v2Only: Scenario[] = [
  {
    name: 'fraud-rejected',
    script: {
      args: [order('o-6', 990_000)],
      activities: { ...activities, fraudCheck: { status: 'completed', result: { ok: false, score: 97 } } },
    },
  },
];

/** The history as the store holds it right after the workflow task that started the `n`-th timer. */
function openPrefix(events: HistoryEvent[], n: number): HistoryEvent[] {
  const commands = new Set(['ActivityTaskScheduled', 'TimerStarted', 'MarkerRecorded']);
  let seen = 0;
  for (let i = 0; i < events.length; i++) {
    if (events[i]!.eventType !== 'TimerStarted' || ++seen < n) continue;
    let end = i + 1;
    while (end < events.length && commands.has(events[end]!.eventType)) end++;
    return events.slice(0, end);
  }
  throw new Error(`the run starts fewer than ${n} timers`);
}

async function record(version: 'v1' | 'v2', list: Scenario[]): Promise<void> {
  const bundle = await compileWorkflows({ workflowsPath: join(root, version, 'order.ts') });
  const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
  try {
    for (const s of list) {
      const workflowId = `order-${version}-${s.name}`;
      const runId = `${workflowId}-run`;
      const run = await sandbox.newRun(runId);
      try {
        const result = await simulate(
          run,
          {
            workflowType: 'orderWorkflow',
            workflowId,
            runId,
            taskQueue: 'orders',
            ...s.script,
          } as SimulationScript,
          { buildId: bundle.buildId },
        );
        const events = s.openAtTimer ? openPrefix(result.events, s.openAtTimer) : result.events;
        const file = join(root, 'histories', version, `${s.name}.json`);
        await writeHistoryFile(
          file,
          historyFromEvents(events, {
            runId,
            buildId: bundle.buildId,
            exportedAt: '2026-11-25T00:00:00.000Z',
          }),
        );
        console.log(`${file}: ${events.length} events, ${s.openAtTimer ? 'open' : result.status}`);
      } finally {
        run.dispose();
      }
    }
  } finally {
    await sandbox.dispose();
  }
}

await record('v1', scenarios);
await record('v2', [...scenarios, ...v2Only]);
