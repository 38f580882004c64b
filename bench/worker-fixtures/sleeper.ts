/** The timer benchmark's workflow: sleeps once (a durable timer), then returns. */
import { sleep } from '@reprise/runtime/workflow';

/** Sleeps `ms` and returns 1. */
export async function sleeperWorkflow(ms: number): Promise<number> {
  await sleep(ms);
  return 1;
}
