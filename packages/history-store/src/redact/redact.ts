/**
 * Redaction: turn a production history into a fixture that can be committed, by replacing the values
 * users put in (inputs, results, signal and update arguments, failure messages and details) with
 * deterministic placeholders of the same shape. Everything replay compares is left alone: event ids
 * and types, activity and timer ids, activity and workflow types, timer durations, markers (patch and
 * version ids), task queues, retry policies and timeouts.
 *
 * The caveat, written out in docs/history-format.md: a redacted history replays only when the workflow
 * code does not branch on the contents of the redacted values. Name the values it does branch on in
 * `keep`.
 */
import type { EventType, HistoryEvent } from '../events/events.ts';
import type { History } from '../file/types.ts';
import { isKept, type KeepPath, parseKeepPaths } from './keep-paths.ts';
import { Placeholders } from './placeholder.ts';

/** Options for {@link redactHistory}. */
export interface RedactOptions {
  /**
   * Secret mixed into every placeholder. Without one, anyone can recompute the placeholder of a
   * guessed value (an email address, a short code); pass a secret for real production data. The same
   * salt gives the same placeholders, so re-redacting a history gives the same fixture.
   */
  salt?: string;
  /**
   * Values to keep as they are, because workflow code branches on them:
   * `EventType.field[0].key`, with `*` for any one step (see docs/history-format.md).
   */
  keep?: readonly string[];
}

/** Fields that hold user payloads, per event type. */
const PAYLOAD_FIELDS: Partial<Record<EventType, readonly string[]>> = {
  WorkflowExecutionStarted: ['input'],
  ActivityTaskScheduled: ['input'],
  ActivityTaskCompleted: ['result'],
  ActivityTaskCanceled: ['details'],
  WorkflowExecutionSignaled: ['input'],
  WorkflowExecutionCancelRequested: ['cause'],
  WorkflowExecutionUpdateAccepted: ['input'],
  WorkflowExecutionUpdateCompleted: ['result'],
  StartChildWorkflowExecutionInitiated: ['input'],
  ChildWorkflowExecutionCompleted: ['result'],
  SignalExternalWorkflowExecutionInitiated: ['input'],
  WorkflowExecutionCompleted: ['result'],
  WorkflowExecutionCanceled: ['details'],
  WorkflowExecutionTerminated: ['reason'],
  WorkflowExecutionContinuedAsNew: ['input'],
};
/** Fields that hold a FailureInfo, per event type. */
const FAILURE_FIELDS: Partial<Record<EventType, readonly string[]>> = {
  WorkflowTaskFailed: ['failure'],
  ActivityTaskStarted: ['lastFailure'],
  ActivityTaskFailed: ['failure'],
  ActivityTaskTimedOut: ['failure'],
  WorkflowExecutionUpdateCompleted: ['failure'],
  ChildWorkflowExecutionFailed: ['failure'],
  WorkflowExecutionFailed: ['failure'],
};
/** Fields a newer writer may add to any event that carry user data (memo-like). */
const MEMO_FIELDS = ['memo', 'searchAttributes', 'headers'];
/** Failure fields that classify the failure (workflow code catches on them): kept. */
const FAILURE_KEPT = new Set([
  'source',
  'type',
  'nonRetryable',
  'timeoutType',
  'activityType',
  'workflowType',
]);

const TypedArray = Object.getPrototypeOf(Uint8Array) as abstract new () => ArrayBufferView;

class Redactor {
  readonly #placeholders: Placeholders;
  readonly #keep: KeepPath[];
  /** The location being redacted: event type, field, keys and indexes. */
  readonly #at: string[] = [];

  constructor(options: RedactOptions) {
    this.#placeholders = new Placeholders(options.salt ?? '');
    this.#keep = parseKeepPaths(options.keep ?? []);
  }

  event(event: HistoryEvent): HistoryEvent {
    const out = { ...event } as Record<string, unknown>;
    const payloads = PAYLOAD_FIELDS[event.eventType] ?? [];
    const failures = FAILURE_FIELDS[event.eventType] ?? [];
    this.#at.push(event.eventType);
    for (const field of [...payloads, ...MEMO_FIELDS]) {
      if (Object.hasOwn(out, field)) out[field] = this.#field(field, out[field], (v) => this.#value(v));
    }
    for (const field of failures) {
      if (out[field] !== undefined) out[field] = this.#field(field, out[field], (v) => this.#failure(v));
    }
    this.#at.pop();
    return out as unknown as HistoryEvent;
  }

  #field(field: string, value: unknown, redact: (value: unknown) => unknown): unknown {
    this.#at.push(field);
    const out = redact(value);
    this.#at.pop();
    return out;
  }

  #step<T>(step: string | number, fn: () => T): T {
    this.#at.push(String(step));
    try {
      return fn();
    } finally {
      this.#at.pop();
    }
  }

  #failure(value: unknown): unknown {
    if (isKept(this.#keep, this.#at)) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.#value(value);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (FAILURE_KEPT.has(key)) out[key] = item;
      else if (key === 'cause') out[key] = this.#step(key, () => this.#failure(item));
      else out[key] = this.#step(key, () => this.#value(item));
    }
    return out;
  }

  #value(value: unknown): unknown {
    if (this.#keep.length > 0 && isKept(this.#keep, this.#at)) return value;
    const p = this.#placeholders;
    switch (typeof value) {
      case 'string':
        return p.string(value);
      case 'number':
        return p.number(value);
      case 'bigint':
        return p.bigint(value);
      case 'object':
        break;
      default:
        // Booleans, undefined: kept (code branches on flags, and they identify no one).
        return value;
    }
    if (value === null) return value;
    if (Array.isArray(value)) return value.map((item, i) => this.#step(i, () => this.#value(item)));
    if (value instanceof Date) return p.date(value);
    if (value instanceof Uint8Array) return p.bytes(value);
    if (value instanceof Map) {
      // Map keys are data (ids, emails), unlike object keys, which are the shape: redact them too.
      const out = new Map<unknown, unknown>();
      for (const [k, v] of value) {
        out.set(
          this.#step('<key>', () => this.#value(k)),
          this.#step(typeof k === 'string' ? k : '<value>', () => this.#value(v)),
        );
      }
      return out;
    }
    if (value instanceof Set)
      return new Set([...value].map((item, i) => this.#step(i, () => this.#value(item))));
    if (value instanceof TypedArray || value instanceof ArrayBuffer || value instanceof DataView) {
      const bytes =
        value instanceof ArrayBuffer
          ? new Uint8Array(value)
          : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      const redacted = p.bytes(bytes);
      if (value instanceof ArrayBuffer) return redacted.buffer;
      if (value instanceof DataView) return new DataView(redacted.buffer);
      const Ctor = value.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
      return new Ctor(redacted.buffer as ArrayBuffer);
    }
    if (value instanceof Error) {
      const out = new Error(p.string(value.message));
      out.name = value.name;
      return out;
    }
    if (value instanceof RegExp) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const redacted = this.#step(key, () => this.#value(item));
      if (key === '__proto__') {
        Object.defineProperty(out, key, {
          value: redacted,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[key] = redacted;
      }
    }
    return out;
  }
}

/**
 * Returns a copy of `history` with user payload values replaced by deterministic placeholders of the
 * same shape: strings by hex strings of the same length class, numbers by numbers of the same sign
 * and magnitude, bigints, dates and bytes likewise; booleans, null, undefined, object keys and array
 * lengths are kept. Failure messages, stacks and details are redacted; the failure source and type
 * are kept. Ids, types, timer durations, markers and the header are untouched. The input is not
 * modified.
 * @throws TypeError for a malformed `keep` path.
 * @example
 * const fixture = redactHistory(await readHistoryFile('prod/order-7.json'), {
 *   salt: process.env.REDACTION_SALT,
 *   keep: ['WorkflowExecutionStarted.input[0].country'],
 * });
 */
export function redactHistory(history: History, options: RedactOptions = {}): History {
  const redactor = new Redactor(options);
  return { header: { ...history.header }, events: history.events.map((event) => redactor.event(event)) };
}
