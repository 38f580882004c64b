import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/io.ts';

const ROOT = join(import.meta.dirname, '../../../..');

const cli = (argv: string[]) => runCli(argv, ROOT);

describe('reprise compile', () => {
  it('prints the build id and writes the bundle and its map', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'reprise-cli-')), 'bundle.js');
    const result = await cli(['compile', 'fixtures/compiler/basic/index.ts', '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.exit).toBe(0);
    const id = /^build ([0-9a-f]{16})$/m.exec(result.stdout)?.[1];
    expect(id).toBeDefined();
    expect(result.stdout).toMatch(/^\d+ modules, [\d.]+ KiB, compiled in \d+ ms$/m);
    const code = readFileSync(out, 'utf8');
    expect(code).toContain(`buildId: "${id}"`);
    const map = JSON.parse(readFileSync(`${out}.map`, 'utf8')) as { version: number; sections: unknown[] };
    expect(map.version).toBe(3);
    expect(map.sections.length).toBeGreaterThan(3);
  });

  it('exits non-zero with the chain and a hint on a disallowed import', async () => {
    const result = await cli(['compile', 'fixtures/compiler/disallowed-chain/index.ts']);
    expect(result.exit).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(
      "reprise compile: fixtures/compiler/disallowed-chain/steps/b.ts imports 'node:child_process' (a Node built-in module), which workflow code may not import",
    );
    expect(lines).toContain("    fixtures/compiler/disallowed-chain/index.ts:1:22 imports './steps/a.ts'");
    expect(lines.at(-2)).toMatch(/^hint: move this into an activity/);
  });

  it('exits non-zero with file, line and column on a syntax error', async () => {
    const result = await cli(['compile', 'fixtures/compiler/syntax-error/index.ts']);
    expect(result.exit).toBe(1);
    expect(result.stderr).toContain(
      'reprise compile: syntax error in fixtures/compiler/syntax-error/index.ts:2:17: Expression expected',
    );
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await cli(['compile'])).exit).toBe(2);
    expect((await cli(['compile', 'a.ts', 'b.ts'])).exit).toBe(2);
    expect((await cli(['compile', '--bogus', 'a.ts'])).exit).toBe(2);
  });
});
