/**
 * What every `reprise` subcommand owes its user, checked for each command `reprise --help` lists:
 * `--help` prints the summary and usage and exits 0; a flag it does not know is one line naming the
 * flag plus the usage as the hint, exit 2. Nothing here opens a store or compiles code.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing/io.ts';

const cli = (...argv: string[]) => runCli(argv, tmpdir());

const top = await cli('--help');
const commands = top.stdout
  .split('\n')
  .filter((l) => l.startsWith('  '))
  .map((l) => l.trim());

describe('reprise --help', () => {
  it('lists the commands and exits 0; no arguments is a usage error', async () => {
    expect(top.exit).toBe(0);
    expect(top.stdout).toMatch(/^Usage: reprise <command> \[options\]\n/);
    expect(commands).toEqual(expect.arrayContaining(['replay', 'workflow start', 'history export']));
    const none = await cli();
    expect(none.exit).toBe(2);
    expect(none.stdout).toBe(top.stdout);
  });

  it('an unknown command is one line plus a hint, exit 2', async () => {
    const r = await cli('workflow', 'launch');
    expect(r.exit).toBe(2);
    expect(r.stderr).toBe(
      "reprise: unknown command 'workflow launch'\nhint: run 'reprise --help' for the list\n",
    );
  });
});

describe.each(commands)('reprise %s', (name) => {
  const words = name.split(' ');

  it('--help prints the summary, then the usage, and exits 0', async () => {
    const r = await cli(...words, '--help');
    expect(r.exit).toBe(0);
    expect(r.stderr).toBe('');
    const [summary, blank, usage] = r.stdout.split('\n');
    expect(summary).toMatch(/\S\.$/);
    expect(blank).toBe('');
    expect(usage).toMatch(new RegExp(`^reprise ${name}( |$)`));
  });

  it('an unknown flag is one line naming it plus the usage as the hint, exit 2', async () => {
    const r = await cli(...words, '--no-such-flag');
    expect(r.exit).toBe(2);
    expect(r.stdout).toBe('');
    const [line, hint] = r.stderr.split('\n');
    expect(line).toMatch(new RegExp(`^reprise ${name}: Unknown option '--no-such-flag'`));
    expect(hint).toMatch(new RegExp(`^hint: usage: reprise ${name}( |$)`));
  });
});
