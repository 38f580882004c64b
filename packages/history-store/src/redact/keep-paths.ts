/**
 * The `keep` escape hatch of redaction: paths to payload values that must survive as they are,
 * because workflow code branches on them. A path starts with an event type (or `*`), then a field,
 * then object keys and array indexes: `WorkflowExecutionStarted.input[0].country`,
 * `*.input[*].currency`, `ActivityTaskFailed.failure.message`. `*` matches any one step.
 */

/** A parsed keep path: event type, field, then keys and indexes (all as strings). */
export type KeepPath = readonly string[];

/**
 * Parses keep paths.
 * @throws TypeError for an empty path or one with an empty step, naming it.
 */
export function parseKeepPaths(paths: readonly string[]): KeepPath[] {
  return paths.map((path) => {
    const steps = path
      .replace(/\[(\*|\d+)\]/g, '.$1')
      .split('.')
      .map((step) => step.trim());
    if (steps.length < 2 || steps.some((step) => step === '')) {
      throw new TypeError(
        `redactHistory: cannot read keep path '${path}'; write it as EventType.field[0].key (use * for any step)`,
      );
    }
    return steps;
  });
}

/** True when some keep path names exactly this location. */
export function isKept(keep: readonly KeepPath[], at: readonly string[]): boolean {
  outer: for (const path of keep) {
    if (path.length !== at.length) continue;
    for (let i = 0; i < path.length; i++) if (path[i] !== '*' && path[i] !== at[i]) continue outer;
    return true;
  }
  return false;
}
