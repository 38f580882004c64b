import { describe, expect, it } from 'vitest';
import { SandboxCrashedError, SandboxRunLostError } from './errors.ts';
import { ProcessRuns } from './process-runs.ts';

describe('ProcessRuns', () => {
  it('sends a fresh run, then its later activations while its instance lives', () => {
    const runs = new ProcessRuns(3);
    expect(runs.admit('a', true)).toEqual({ send: true, suspect: false });
    runs.sent('a', true);
    expect(runs.admit('a', false)).toEqual({ send: true, suspect: false });
  });

  it('refuses a later activation without a live instance, saying why it is gone', () => {
    const runs = new ProcessRuns(3);
    const never = runs.admit('a', false);
    expect(never.send).toBe(false);
    if (!never.send) expect(never.error).toBeInstanceOf(SandboxRunLostError);
    if (!never.send) expect(never.error.message).toContain('no live instance');

    runs.sent('b', true);
    runs.sent('c', true);
    runs.failed('b', ['c']);
    const lost = runs.admit('c', false);
    if (lost.send) throw new Error('c should not be sent');
    expect(lost.error.message).toContain('its sandbox was lost (memory)');
  });

  it('a failed task discards the instance; a completed one keeps it', () => {
    const runs = new ProcessRuns(3);
    runs.sent('a', true);
    runs.completed('a', false);
    expect(runs.admit('a', false).send).toBe(true);
    runs.completed('a', true);
    expect(runs.admit('a', false).send).toBe(false);
  });

  it('a child death makes the executing run a suspect, loses the others, and stops at maxAttempts', () => {
    const runs = new ProcessRuns(2);
    runs.sent('a', true);
    runs.sent('b', true);
    const first = runs.childDied(['a'], 'signal SIGKILL');
    expect(first.lost).toEqual(['b']);
    expect(first.errors[0]).toBeInstanceOf(SandboxRunLostError);
    expect(first.errors[0]!.message).toContain('attempt 1 of 2');
    expect(runs.admit('a', true)).toEqual({ send: true, suspect: true });
    expect(runs.admit('b', false).send).toBe(false);

    runs.sent('a', true);
    const second = runs.childDied(['a'], 'exit code 1');
    expect(second.errors[0]).toBeInstanceOf(SandboxCrashedError);
    const again = runs.admit('a', true);
    if (again.send) throw new Error('a should not be started again');
    expect(again.error).toBeInstanceOf(SandboxCrashedError);
  });

  it('a completion clears the suspicion; a drop tells whether the child holds the run', () => {
    const runs = new ProcessRuns(3);
    runs.sent('a', true);
    runs.childDied(['a'], 'exit code 1');
    runs.sent('a', true);
    runs.completed('a', false);
    expect(runs.admit('a', false)).toEqual({ send: true, suspect: false });
    expect(runs.drop('a')).toBe(true);
    expect(runs.drop('a')).toBe(false);
  });
});
