import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearCompileCache, compileWorkflows, compileWorkflowsSync } from './index.ts';
import { PREBUILT_TRANSFORMS_PATH, usePrebuiltTransforms } from './transform.ts';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/compiler');

/** A private copy of the `basic` golden case (plus the test run instance) to edit freely. */
function basicCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reprise-cache-'));
  cpSync(join(FIXTURES, 'basic'), dir, { recursive: true });
  cpSync(join(FIXTURES, '_support/instance.ts'), join(dir, 'instance.ts'));
  return dir;
}

const options = (dir: string, extra: { cache?: boolean; cacheDir?: string } = { cache: false }) => ({
  workflowsPath: join(dir, 'index.ts'),
  instancePath: join(dir, 'instance.ts'),
  root: dir,
  ...extra,
});

describe('determinism', () => {
  it('compiles the same source to byte-identical bundles, wherever it lives', async () => {
    const a = basicCopy();
    const b = basicCopy();
    const first = compileWorkflowsSync(options(a));
    const second = await compileWorkflows(options(a));
    const elsewhere = compileWorkflowsSync(options(b));
    expect(second.code).toBe(first.code);
    expect(JSON.stringify(second.sourceMap)).toBe(JSON.stringify(first.sourceMap));
    expect(elsewhere.code).toBe(first.code);
    expect(JSON.stringify(elsewhere.sourceMap)).toBe(JSON.stringify(first.sourceMap));
    expect(first.buildId).toMatch(/^[0-9a-f]{16}$/);
    // No host path reaches the bundle or its map.
    for (const text of [first.code, JSON.stringify(first.sourceMap)]) {
      expect(text).not.toContain(a);
      expect(text).not.toContain(FIXTURES);
      expect(text).not.toContain(tmpdir());
    }
  });

  it('changes the build id when, and only when, the code changes', () => {
    const dir = basicCopy();
    const original = compileWorkflowsSync(options(dir));
    const helper = join(dir, 'helper.ts');
    const text = readFileSync(helper, 'utf8');
    writeFileSync(helper, text);
    expect(compileWorkflowsSync(options(dir)).buildId).toBe(original.buildId);
    writeFileSync(helper, text.replace('x * 2', 'x * 3'));
    const changed = compileWorkflowsSync(options(dir));
    expect(changed.buildId).not.toBe(original.buildId);
    expect(changed.code).not.toBe(original.code);
    writeFileSync(helper, text);
    expect(compileWorkflowsSync(options(dir)).buildId).toBe(original.buildId);
  });
});

describe('caches', () => {
  afterEach(() => usePrebuiltTransforms(PREBUILT_TRANSFORMS_PATH));

  it('serves an unchanged compile from memory and notices edits and new files', () => {
    const dir = basicCopy();
    const cacheDir = join(dir, '.cache');
    const first = compileWorkflowsSync(options(dir, { cacheDir }));
    expect(compileWorkflowsSync(options(dir, { cacheDir }))).toBe(first);

    writeFileSync(join(dir, 'helper.ts'), 'export const double = (x: number) => x + x;\n');
    const edited = compileWorkflowsSync(options(dir, { cacheDir }));
    expect(edited).not.toBe(first);
    expect(edited.buildId).not.toBe(first.buildId);

    // `./lib` resolved to lib/index.ts; a new lib.ts now takes precedence.
    writeFileSync(join(dir, 'lib.ts'), 'export const label = (v: number) => `#` + v;\n');
    const shadowed = compileWorkflowsSync(options(dir, { cacheDir }));
    expect(shadowed.modules).toContain('lib.ts');
    expect(shadowed.modules).not.toContain('lib/index.ts');
  });

  it('reuses SWC output from the disk cache across in-process cache losses', () => {
    // The disk cache on its own: every module, the sandbox runtime's too, goes through it.
    usePrebuiltTransforms(false);
    const dir = basicCopy();
    const cacheDir = join(dir, '.cache');
    const first = compileWorkflowsSync(options(dir, { cacheDir }));
    const files = readdirSync(cacheDir, { recursive: true }).filter((f) => String(f).endsWith('.json'));
    // One entry per transformed module (JSON modules are not run through SWC).
    expect(files.length).toBe(first.modules.filter((m) => !m.endsWith('.json')).length);

    clearCompileCache();
    expect(compileWorkflowsSync(options(dir, { cacheDir })).code).toBe(first.code);

    // Prove the entries are read: mark the cached output of helper.ts and see the mark come back.
    for (const f of files) {
      const path = join(cacheDir, String(f));
      const entry = JSON.parse(readFileSync(path, 'utf8')) as { code: string; map: { sources: string[] } };
      if (entry.map.sources[0] === 'helper.ts') {
        writeFileSync(path, JSON.stringify({ ...entry, code: `/* from disk */\n${entry.code}` }));
      }
    }
    clearCompileCache();
    expect(compileWorkflowsSync(options(dir, { cacheDir })).code).toContain('/* from disk */');

    // A damaged entry costs a re-transform, not a failed compile.
    for (const f of files) writeFileSync(join(cacheDir, String(f)), '{ not json');
    clearCompileCache();
    expect(compileWorkflowsSync(options(dir, { cacheDir })).code).toBe(first.code);
  });
});
