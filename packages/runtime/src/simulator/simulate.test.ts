import { describe, expect, it } from 'vitest';
import type { Activation, Command, Completion } from '../protocol/index.ts';
import { WorkflowStateMachine } from '../state-machine/index.ts';
import { simulate } from './simulate.ts';
import type { ActivationTarget, SimulationScript } from './types.ts';

/**
 * A plain-JS workflow: races activity `a` against a 1s timer, records signals, and completes with
 * whichever won plus the signals seen so far.
 */
function raceTarget(): ActivationTarget & { seen: string[][] } {
  const signals: string[] = [];
  const seen: string[][] = [];
  const reply = (runId: string, commands: Command[]): Completion => ({
    runId,
    commands,
    queryResults: [],
    logs: [],
  });
  return {
    seen,
    activate(a: Activation): Completion {
      seen.push(a.jobs.map((j) => j.kind));
      const commands: Command[] = [];
      for (const job of a.jobs) {
        if (job.kind === 'initialize') {
          commands.push(
            { kind: 'scheduleActivity', seq: 1, activityId: '1', activityType: 'a', args: [], options: {} },
            { kind: 'startTimer', seq: 1, durationMs: 1000 },
          );
        } else if (job.kind === 'signal') {
          signals.push(String(job.args[0]));
        } else if (job.kind === 'resolveActivity') {
          commands.push(
            { kind: 'cancelTimer', seq: 1 },
            { kind: 'completeWorkflow', result: ['activity', ...signals] },
          );
        } else if (job.kind === 'fireTimer') {
          commands.push(
            { kind: 'requestCancelActivity', seq: 1 },
            { kind: 'completeWorkflow', result: ['timer', ...signals] },
          );
        }
      }
      return reply(a.runId, commands);
    },
  };
}

const script = (more: Partial<SimulationScript>): SimulationScript => ({ workflowType: 'race', ...more });

describe('simulate', () => {
  it('records the history a worker and a store would write', async () => {
    const r = await simulate(
      raceTarget(),
      script({ activities: { a: { status: 'completed', result: 7, latencyMs: 500 } } }),
    );
    expect(r.status).toBe('completed');
    expect(r.result).toEqual(['activity']);
    expect(r.events.map((e) => `${e.eventId} ${e.eventType}`)).toEqual([
      '1 WorkflowExecutionStarted',
      '2 WorkflowTaskScheduled',
      '3 WorkflowTaskStarted',
      '4 WorkflowTaskCompleted',
      '5 ActivityTaskScheduled',
      '6 TimerStarted',
      '7 ActivityTaskStarted',
      '8 ActivityTaskCompleted',
      '9 WorkflowTaskScheduled',
      '10 WorkflowTaskStarted',
      '11 WorkflowTaskCompleted',
      '12 TimerCanceled',
      '13 WorkflowExecutionCompleted',
    ]);
    const start = r.events[0]!.eventTime;
    expect(r.events[9]!.eventTime - start).toBe(500);
    expect(r.events[7]).toMatchObject({ scheduledEventId: 5, startedEventId: 7, result: 7 });
  });

  it('the timer wins when the activity is slower, and the activity is cancelled', async () => {
    const r = await simulate(
      raceTarget(),
      script({ activities: { a: { status: 'completed', latencyMs: 5000 } } }),
    );
    expect(r.result).toEqual(['timer']);
    expect(r.events.slice(-2).map((e) => e.eventType)).toEqual([
      'ActivityTaskCancelRequested',
      'WorkflowExecutionCompleted',
    ]);
  });

  it('a signal that arrives during a task is buffered after its completion', async () => {
    const target = raceTarget();
    const r = await simulate(
      target,
      script({
        signals: [{ name: 's', args: ['x'], duringTask: 1 }],
        activities: { a: { status: 'completed', latencyMs: 500 } },
      }),
    );
    expect(r.events.slice(4, 9).map((e) => e.eventType)).toEqual([
      'ActivityTaskScheduled',
      'TimerStarted',
      'WorkflowExecutionSignaled',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
    ]);
    expect(target.seen).toEqual([['initialize'], ['signal'], ['resolveActivity']]);
    expect(r.result).toEqual(['activity', 'x']);
  });

  it('a signal that arrives while an activity runs is seen at the next task, before the result', async () => {
    const target = raceTarget();
    await simulate(
      target,
      script({
        signals: [{ name: 's', args: ['y'], atMs: 100 }],
        activities: { a: { status: 'completed', latencyMs: 500 } },
      }),
    );
    expect(target.seen).toEqual([['initialize'], ['signal'], ['resolveActivity']]);
  });

  it('arrivals at the same time share one task, in the order they were scripted or scheduled', async () => {
    const target = raceTarget();
    const r = await simulate(
      target,
      script({
        signals: [{ name: 's', args: ['z'], atMs: 1000 }],
        activities: { a: { status: 'completed', latencyMs: 1000 } },
      }),
    );
    expect(target.seen).toEqual([['initialize'], ['signal', 'resolveActivity', 'fireTimer']]);
    expect(r.result).toEqual(['activity', 'z']);
  });

  it('stops as blocked when nothing more will arrive', async () => {
    const blocked: ActivationTarget = {
      activate: (a) => ({ runId: a.runId, commands: [], queryResults: [], logs: [] }),
    };
    const r = await simulate(blocked, script({}));
    expect(r.status).toBe('blocked');
    expect(r.events.map((e) => e.eventType).slice(-2)).toEqual([
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
    ]);
  });

  it('its history replays to the same commands', async () => {
    const r = await simulate(raceTarget(), script({ signals: [{ name: 's', args: ['q'], atMs: 200 }] }));
    const sm = new WorkflowStateMachine(r.runId, { buildId: 'simulator' });
    sm.appendEvents(r.events);
    const target = raceTarget();
    let n = 0;
    for (let a = sm.nextActivation(); a; a = sm.nextActivation()) {
      const c = target.activate(a) as Completion;
      expect(c.commands).toEqual(r.tasks[n++]!.commands);
      expect(sm.complete(c).status).toBe('replayed');
    }
    expect(n).toBe(r.tasks.length);
    expect(sm.isClosed).toBe(true);
  });
});
