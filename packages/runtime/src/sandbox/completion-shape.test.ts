import { describe, expect, it } from 'vitest';
import { checkCompletion } from './completion-shape.ts';

const schedule = {
  kind: 'scheduleActivity',
  seq: 1,
  activityId: '1',
  activityType: 'bookFlight',
  args: ['t1'],
  options: { startToCloseTimeoutMs: 30_000, retry: { maximumAttempts: 3 } },
};
const completion = (fields: Record<string, unknown> = {}) => ({
  runId: 'r',
  commands: [schedule],
  queryResults: [],
  logs: [],
  ...fields,
});

describe('checkCompletion', () => {
  it('passes a well-formed completion through as it is', () => {
    const ok = completion({
      commands: [schedule, { kind: 'startTimer', seq: 1, durationMs: 5 }, { kind: 'cancelWorkflow' }],
      queryResults: [{ queryId: 'q', result: 1 }],
      logs: [{ level: 'info', message: 'm', timestamp: 0 }],
    });
    expect(checkCompletion(ok, 'r')).toBe(ok);
  });

  it.each([
    ['a completion of another run', completion({ runId: 'other' }), /completion for run "other"/],
    ['an unknown command kind', completion({ commands: [{ kind: 'launch' }] }), /unknown kind "launch"/],
    [
      'an inherited name as the kind',
      completion({ commands: [{ kind: 'toString' }] }),
      /unknown kind "toString"/,
    ],
    [
      'a required field missing',
      completion({ commands: [{ ...schedule, activityType: undefined }] }),
      /malformed scheduleActivity command at commands\[0\]/,
    ],
    [
      'an optional field of the wrong type',
      completion({ commands: [{ ...schedule, options: { taskQueue: 7 } }] }),
      /malformed scheduleActivity/,
    ],
    [
      'a command with an own __proto__ key',
      completion({ commands: [JSON.parse('{"kind":"cancelWorkflow","__proto__":{}}')] }),
      /unknown kind undefined/,
    ],
    [
      'a second command that is malformed',
      completion({ commands: [schedule, { kind: 'startTimer', seq: 1.5, durationMs: 5 }] }),
      /malformed startTimer command at commands\[1\]/,
    ],
    ['a malformed query result', completion({ queryResults: [{ result: 1 }] }), /malformed queryResults/],
    [
      'a malformed log',
      completion({ logs: [{ level: 'loud', message: 'm', timestamp: 0 }] }),
      /malformed logs/,
    ],
  ])('refuses %s', (_, value, message) => {
    expect(() => checkCompletion(value, 'r')).toThrow(message);
  });

  it('accepts optional fields left undefined', () => {
    const ok = completion({ commands: [{ ...schedule, options: { taskQueue: undefined } }] });
    expect(checkCompletion(ok, 'r')).toBe(ok);
  });
});
