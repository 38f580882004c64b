import type { CliCommand } from '../command.ts';
import { CliError } from '../command.ts';
import { parseIntFlag, parseJsonArgs, positional } from './shared/args.ts';
import { withClient } from './shared/client.ts';
import { parseTarget } from './shared/target.ts';

const usage =
  "reprise workflow query <workflowId> <queryName> [--args '<json>'] [--run-id <id>] [--timeout <ms>] [--db <url|dir>]";

const command: CliCommand = {
  path: ['workflow', 'query'],
  summary: "Ask a workflow a question; a worker answers from the run's state (the history does not change).",
  usage,
  async run(argv, io) {
    const { values, positionals, target } = parseTarget(
      argv,
      { args: { type: 'string' }, timeout: { type: 'string' } },
      usage,
    );
    const { workflowId, runId } = target;
    const name = positional(positionals, 1, 'queryName', usage);
    const args = parseJsonArgs(values.args);
    const timeoutMs = parseIntFlag(values.timeout, '--timeout', 10_000);
    return withClient(target.db, io, async (client) => {
      const { store } = client;
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const ref = runId ? { workflowId, runId } : { workflowId };
        const answer = await store.query(ref, name, args, signal);
        io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
        return 0;
      } catch (err) {
        if (signal.aborted)
          throw new CliError(
            `no answer to query ${name} within ${timeoutMs} ms`,
            'queries are answered by a running worker for the task queue: start `reprise worker`, or raise --timeout',
          );
        throw err;
      }
    });
  },
};
export default command;
