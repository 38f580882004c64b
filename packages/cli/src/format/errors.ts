/** Turns the client's typed errors into one CLI line plus a hint. */
import { CliError } from '../command.ts';

/** A {@link CliError} for errors the user can act on; anything else is returned unchanged. */
export function cliErrorFrom(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  const message = (err as Error)?.message ?? String(err);
  switch (code) {
    case 'WORKFLOW_NOT_FOUND':
    case 'RUN_NOT_FOUND':
      return new CliError(
        firstLine(message),
        "run 'reprise workflow list' to see workflow ids (and check --db)",
      );
    case 'WORKFLOW_ALREADY_STARTED':
      return new CliError(
        firstLine(message),
        'pass another --workflow-id, or reach the running one with `reprise workflow describe`',
      );
    case 'RUN_CLOSED':
      return new CliError(
        firstLine(message),
        "it can no longer be signalled or cancelled; 'reprise workflow describe' shows how it closed",
      );
    case 'QUERY_FAILED':
    case 'UPDATE_FAILED':
      return new CliError(firstLine(message), 'the workflow handler threw; see the worker logs');
    case 'WORKFLOW_FAILED':
      return new CliError(firstLine(message), "'reprise workflow history <id>' shows every step");
    default:
      return err;
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
