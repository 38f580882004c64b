/** Runs a command body with a {@link Client} on the chosen store, mapping client errors to CLI lines. */
import { Client } from '@reprise/runtime';
import type { CliIO } from '../../command.ts';
import { cliErrorFrom } from '../../format/errors.ts';
import { withStore } from './db.ts';

/** Opens the store, gives `fn` a client, closes the store; typed client errors become one-line CLI errors. */
export async function withClient<T>(
  db: string | undefined,
  io: CliIO,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  try {
    return await withStore(db, io, (store) => fn(new Client({ store, identity: `cli@${process.pid}` })));
  } catch (err) {
    throw cliErrorFrom(err);
  }
}
