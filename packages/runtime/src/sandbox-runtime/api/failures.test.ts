import { describe, expect, it } from 'vitest';
import type { FailureInfo } from '../../protocol/failure.ts';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  errorToFailure,
  failureToError,
  isCancellation,
  isFailure,
  RepriseFailure,
  ServerFailure,
  TerminatedFailure,
  TimeoutFailure,
} from './failures.ts';

describe('failures', () => {
  it('builds application failures with type, retryability and details', () => {
    const r = ApplicationFailure.retryable('flaky', 'Flaky', 1, 2);
    expect([r.message, r.type, r.nonRetryable, r.details]).toEqual(['flaky', 'Flaky', false, [1, 2]]);
    const n = ApplicationFailure.nonRetryable('fatal');
    expect([n.type, n.nonRetryable]).toEqual(['Error', true]);
    const c = ApplicationFailure.create({
      message: 'm',
      type: 'T',
      nonRetryable: true,
      cause: new Error('root'),
    });
    expect([c.name, c.nonRetryable, (c.cause as Error).message]).toEqual([
      'ApplicationFailure',
      true,
      'root',
    ]);
  });

  it.each<FailureInfo>([
    { message: 'app', source: 'ApplicationFailure', type: 'Boom', nonRetryable: true, details: [{ a: 1 }] },
    {
      message: 'act',
      source: 'ActivityFailure',
      activityType: 'charge',
      cause: { message: 't', source: 'TimeoutFailure', timeoutType: 'heartbeat', details: [5] },
    },
    {
      message: 'child',
      source: 'ChildWorkflowFailure',
      workflowType: 'ship',
      cause: { message: 'gone', source: 'TerminatedFailure' },
    },
    { message: 'stop', source: 'CancelledFailure', details: ['why'] },
    { message: 'srv', source: 'ServerFailure', nonRetryable: true },
  ])('round-trips $source through errors', (info) => {
    const err = failureToError(info);
    expect(isFailure(err)).toBe(true);
    expect(err.name).toBe(info.source);
    const back = errorToFailure(err);
    const strip = (f: FailureInfo): FailureInfo => {
      const { stack: _s, cause, ...rest } = f;
      return cause === undefined ? rest : { ...rest, cause: strip(cause) };
    };
    expect(strip(back)).toEqual(info);
  });

  it('describes plain errors as application failures typed by their class', () => {
    const info = errorToFailure(new RangeError('out', { cause: 'because' }));
    expect(info).toMatchObject({
      source: 'ApplicationFailure',
      type: 'RangeError',
      message: 'out',
      cause: { message: 'because' },
    });
    expect(errorToFailure('text')).toEqual({ message: 'text', source: 'ApplicationFailure', type: 'Error' });
  });

  it('recognises failures by brand, across copies of the module and for subclasses', () => {
    // What a failure created by another copy of this module looks like: same registered brands.
    const foreign = Object.assign(new Error('x'), { name: 'CancelledFailure', details: [] });
    for (const b of ['RepriseFailure', 'CancelledFailure']) {
      Object.defineProperty(foreign, Symbol.for(`reprise.failure.${b}`), { value: true });
    }
    expect(foreign instanceof CancelledFailure).toBe(true);
    expect(foreign instanceof RepriseFailure).toBe(true);
    expect(foreign instanceof ApplicationFailure).toBe(false);
    expect(isCancellation(foreign)).toBe(true);

    class PaymentDeclined extends ApplicationFailure {}
    const declined = new PaymentDeclined('no', 'Declined', true);
    expect(declined instanceof PaymentDeclined).toBe(true);
    expect(declined instanceof ApplicationFailure).toBe(true);
    expect(ApplicationFailure.nonRetryable('x') instanceof PaymentDeclined).toBe(false);
    expect(errorToFailure(declined)).toMatchObject({
      source: 'ApplicationFailure',
      type: 'Declined',
      nonRetryable: true,
    });
    expect(new Error('plain') instanceof RepriseFailure).toBe(false);
  });

  it('tells cancellation from other failures', () => {
    const cancelled = new CancelledFailure('c');
    expect(isCancellation(cancelled)).toBe(true);
    expect(isCancellation(new ActivityFailure('a', 'x', '1', 'cancelRequested', cancelled))).toBe(true);
    expect(isCancellation(new ChildWorkflowFailure('c', 'w', undefined, cancelled))).toBe(true);
    expect(
      isCancellation(new ActivityFailure('a', 'x', '1', undefined, new TimeoutFailure('t', 'startToClose'))),
    ).toBe(false);
    expect(isCancellation(new TerminatedFailure('t'))).toBe(false);
    expect(isCancellation(new ServerFailure('s'))).toBe(false);
    expect(isCancellation(new Error('e'))).toBe(false);
  });
});
