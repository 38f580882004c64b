/**
 * `reprise compile <entry> [-o <file>]`: compiles a workflows entry file the way a worker does,
 * prints the build id, and fails with the import chain and a hint on a disallowed import or a
 * syntax error, so it works as a CI step on its own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { CompileError, compileWorkflows } from '@reprise/runtime';
import type { CliCommand } from '../command.ts';
import { CliError } from '../command.ts';
import { parse, usageError } from './shared/args.ts';

/** The usage line alone, the hint of a usage error. */
const usageLine = 'reprise compile <entry> [-o <file>]';
const usage = `${usageLine}

  <entry>          workflows entry file (.ts or .js); its exported functions are the workflow types
  -o, --out <file> write the bundle to <file> and its source map to <file>.map
  --no-cache       compile every module afresh (skip the SWC output cache)`;

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

const command: CliCommand = {
  path: ['compile'],
  summary: 'Compile a workflows entry file into one sandbox bundle and print its build id.',
  usage,
  async run(argv, io) {
    const parsed = parse(
      argv,
      { out: { type: 'string', short: 'o' }, 'no-cache': { type: 'boolean' } },
      usageLine,
    );
    const [entry, ...extra] = parsed.positionals;
    if (!entry || extra.length > 0) {
      throw usageError(
        entry ? `expected one entry file, got ${parsed.positionals.length}` : 'missing the entry file',
        usageLine,
      );
    }
    const started = performance.now();
    let bundle: Awaited<ReturnType<typeof compileWorkflows>>;
    try {
      bundle = await compileWorkflows({
        workflowsPath: resolve(io.cwd, entry),
        cache: parsed.values['no-cache'] !== true,
      });
    } catch (err) {
      if (err instanceof CompileError) {
        // One fact per line: what, where, the import chain; the hint comes last from main().
        throw new CliError([err.message, ...err.details().map((d) => `  ${d}`)].join('\n'), err.hint);
      }
      throw err;
    }
    const ms = performance.now() - started;
    const size = Buffer.byteLength(bundle.code);
    io.stdout(
      `build ${bundle.buildId}\n${bundle.modules.length} modules, ${kib(size)}, compiled in ${ms.toFixed(0)} ms\n`,
    );
    if (parsed.values.out !== undefined) {
      const out = resolve(io.cwd, parsed.values.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, bundle.code);
      writeFileSync(`${out}.map`, JSON.stringify({ ...bundle.sourceMap, file: basename(out) }));
      io.stdout(`wrote ${parsed.values.out} and ${parsed.values.out}.map\n`);
    }
    return 0;
  },
};
export default command;
