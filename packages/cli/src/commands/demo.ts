import type { CliCommand } from '../command.ts';
import { runDemo } from '../demo/run.ts';
import { dbOption, parse } from './shared/args.ts';
import { storeLocation } from './shared/db.ts';

const usage = 'reprise demo [--db <dir|postgres://…>] [--keep]';

const command: CliCommand = {
  path: ['demo'],
  summary: 'Run orders through a worker that is killed mid-activity, and show how they recover.',
  usage,
  async run(argv, io) {
    const { values } = parse(argv, { ...dbOption, keep: { type: 'boolean' } }, usage);
    // The demo uses a fresh temp store unless one is named: it never touches ./.reprise by default.
    if (values.db === undefined) return runDemo(io, values.keep ? { keep: true } : {});
    const loc = storeLocation(values.db, io);
    return runDemo(io, {
      store: loc.kind === 'postgres' ? { url: loc.url } : { dataDir: loc.dataDir },
      keep: true,
    });
  },
};
export default command;
