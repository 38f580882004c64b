/**
 * What the host makes of a promise rejection that no handler had taken when a workflow task ended.
 *
 * JavaScript lets a handler come later, and workflow code relies on it: start several children or
 * activities, await the first, then `Promise.all` the rest. A rejection of one of the rest before the
 * first resolves is handled one or more workflow tasks later, so it is held by its promise and the
 * task goes on. The sandbox cannot tell whether a handler will ever come (V8 only reports "no handler
 * yet" when the call into the isolate returns), so a live task notes it once as a warning log: a
 * rejection the code never handles does not vanish unseen, and the run's outcome is still what the
 * code decides. Replayed tasks log nothing, as with every workflow log. See docs/workflow-api.md.
 */
import type { LogRecord } from '../protocol/completion.ts';

/** Longest reason text copied into the log record. */
const MAX_REASON = 500;

/** What isolated-vm throws for a rejection whose value is an object that is not an Error. */
const NON_ERROR_OBJECT = 'An object was thrown from supplied code within isolated-vm';

/** One line naming a rejection's reason, as the host received it from isolated-vm. */
export function describeRejection(reason: unknown): string {
  let text: string;
  if (reason instanceof Error) {
    text = reason.message.startsWith(NON_ERROR_OBJECT)
      ? 'a value that is not an Error'
      : `${nameOf(reason)}: ${reason.message}`;
  } else if (typeof reason === 'string') {
    text = JSON.stringify(reason);
  } else {
    text = String(reason);
  }
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}

/** The warning a live workflow task carries when it ended with a rejection nothing had handled yet. */
export function unhandledRejectionLog(reason: unknown, timestamp: number): LogRecord {
  const described = describeRejection(reason);
  return {
    level: 'warn',
    message:
      `a promise was rejected (${described}) and nothing had handled it when the workflow task ended. ` +
      'The rejection stays with the promise, so awaiting it later still throws it; if the workflow never ' +
      'awaits it, the failure goes unnoticed: await it, or attach .catch() where the promise is created.',
    timestamp,
    attributes: { unhandledRejection: described },
  };
}

/**
 * The error's class name. isolated-vm's copy keeps `name` only for some errors (the sandbox's own
 * failure classes arrive as plain `Error`), but the stack it copies starts with `<name>: <message>`.
 */
function nameOf(error: Error): string {
  const match = typeof error.stack === 'string' ? /^([A-Za-z_$][\w$]*): /.exec(error.stack) : null;
  return match?.[1] !== undefined && error.stack!.startsWith(`${match[1]}: ${error.message}`)
    ? match[1]
    : error.name;
}
