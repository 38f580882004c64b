/**
 * `reprise history import <file>`: writes a closed run's history file into a store exactly as
 * recorded (run id, event ids, times, payloads, build id), so `history export` gives the same file
 * back. Never overwrites a run.
 */
import { resolve } from 'node:path';
import { type History, readHistoryFile } from '@reprise/history-store';
import { type CliCommand, CliError } from '../command.ts';
import { dbOption, parse, positional } from './shared/args.ts';
import { withStore } from './shared/db.ts';

const usage = 'reprise history import <file.json|.msgpack> [--db <url|dir>]';

const command: CliCommand = {
  path: ['history', 'import'],
  summary: 'Import a closed run from a history file into a store (refuses to overwrite an existing run).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...dbOption }, usage);
    const file = positional(positionals, 0, 'file', usage);
    let history: History;
    try {
      history = await readHistoryFile(resolve(io.cwd, file));
    } catch (err) {
      throw new CliError(
        (err as Error).message,
        'pass a history file written by `reprise history export`',
        2,
      );
    }
    const info = await withStore(values.db, io, async (store) => {
      if (!store.importHistory) {
        throw new CliError('this store cannot import histories', 'use Postgres or the embedded store', 2);
      }
      try {
        return await store.importHistory(history);
      } catch (err) {
        const e = err as Error & { code?: string };
        if (e.code === 'WORKFLOW_ALREADY_STARTED' || e.code === 'INVALID_REQUEST') {
          throw new CliError(
            e.message,
            e.code === 'INVALID_REQUEST'
              ? 'only complete histories of closed runs can be imported'
              : 'an import never overwrites: delete the run or import into another --db',
            2,
          );
        }
        throw err;
      }
    });
    io.stderr(
      `imported ${info.historyLength} events of ${info.workflowId} (run ${info.runId}, ${info.status}) from ${file}\n`,
    );
    return 0;
  },
};
export default command;
