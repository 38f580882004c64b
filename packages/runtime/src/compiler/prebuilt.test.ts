import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runtimeTransforms } from '../../scripts/build.ts';
import { type CompileError, clearCompileCache, compileWorkflows, compileWorkflowsSync } from './index.ts';
import { RUNTIME_SRC } from './resolve.ts';
import {
  formatPrebuiltTransforms,
  PREBUILT_TRANSFORMS_PATH,
  type TransformedModule,
  transformKey,
  transformModule,
  transformModuleSync,
  transformUncached,
  usePrebuiltTransforms,
} from './transform.ts';

const ROOT = join(import.meta.dirname, '../../../..');
const ORDER = join(ROOT, 'fixtures/workflows/order.ts');
const FIXTURES = join(ROOT, 'fixtures/compiler');

const PRELUDE_ID = 'reprise:runtime/sandbox-runtime/prelude.ts';
const PRELUDE = readFileSync(join(RUNTIME_SRC, 'sandbox-runtime/prelude.ts'), 'utf8');

afterEach(() => {
  usePrebuiltTransforms(PREBUILT_TRANSFORMS_PATH);
  clearCompileCache();
});

/** Writes a prebuilt-transforms file and points the compiler at it; returns its path. */
function usePrebuilt(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'reprise-prebuilt-')), 'runtime-transforms.txt');
  writeFileSync(path, text);
  usePrebuiltTransforms(path);
  return path;
}

/** SWC's real output for `source`, with a comment in front that proves where a result came from. */
function marked(id: string, source: string): TransformedModule {
  const out = transformUncached(id, source);
  return { ...out, code: `/* prebuilt */\n${out.code}` };
}

/** The `reprise:` modules of a bundle with their sources (taken from its source map). */
function runtimeModules(bundle: {
  modules: string[];
  sourceMap: { sections: { map: { sourcesContent?: (string | null)[] } }[] };
}) {
  return bundle.modules
    .map((id, i) => ({ id, source: bundle.sourceMap.sections[i]!.map.sourcesContent![0]! }))
    .filter((m) => m.id.startsWith('reprise:') && !m.id.endsWith('.json'));
}

describe('prebuilt runtime transforms', () => {
  it('serve an unchanged runtime module without running SWC', async () => {
    usePrebuilt(formatPrebuiltTransforms([[transformKey(PRELUDE_ID, PRELUDE), marked(PRELUDE_ID, PRELUDE)]]));
    expect(transformModuleSync(PRELUDE_ID, PRELUDE, undefined).code).toMatch(/^\/\* prebuilt \*\/\n/);
    expect((await transformModule(PRELUDE_ID, PRELUDE, undefined)).code).toMatch(/^\/\* prebuilt \*\/\n/);
  });

  it('miss for an edited runtime module, which goes through SWC', () => {
    usePrebuilt(formatPrebuiltTransforms([[transformKey(PRELUDE_ID, PRELUDE), marked(PRELUDE_ID, PRELUDE)]]));
    const edited = `${PRELUDE}\nexport const addedAfterTheBuild = 1;\n`;
    const out = transformModuleSync(PRELUDE_ID, edited, undefined);
    expect(out).toEqual(transformUncached(PRELUDE_ID, edited));
    expect(out.code).toContain('addedAfterTheBuild');
    expect(out.code).not.toContain('/* prebuilt */');
  });

  it('are never consulted for workflow code', () => {
    const id = 'workflows.ts';
    const source = 'export async function w(): Promise<number> { return 1; }\n';
    usePrebuilt(formatPrebuiltTransforms([[transformKey(id, source), marked(id, source)]]));
    expect(transformModuleSync(id, source, undefined)).toEqual(transformUncached(id, source));
  });

  it('fall back to SWC when the file is missing, from another SWC version, or damaged', () => {
    const expected = transformUncached(PRELUDE_ID, PRELUDE);
    const key = transformKey(PRELUDE_ID, PRELUDE);
    const good = formatPrebuiltTransforms([[key, marked(PRELUDE_ID, PRELUDE)]]);
    const [header, line] = good.split('\n') as [string, string];
    const damaged = [
      header.replace(/"swc":"[^"]*"/, '"swc":"0.0.0"'),
      `${header}\n${line.slice(0, line.length / 2)}\n`,
      `${header}\n${key} {"code":1,"map":null,"requires":"x"}\n`,
      `${header}\n${key}\n`,
      '\0\0\0 not a prebuilt-transforms file',
      '',
    ];
    usePrebuiltTransforms(join(tmpdir(), 'reprise-no-such-dir', 'runtime-transforms.txt'));
    expect(transformModuleSync(PRELUDE_ID, PRELUDE, undefined)).toEqual(expected);
    for (const text of damaged) {
      usePrebuilt(text);
      expect(transformModuleSync(PRELUDE_ID, PRELUDE, undefined)).toEqual(expected);
    }
  });

  it('as the build writes them, cover every runtime module of a bundle and change no byte of it', async () => {
    usePrebuiltTransforms(false);
    const plain = compileWorkflowsSync({ workflowsPath: ORDER, cache: false });
    const entries = runtimeTransforms();
    const keys = new Set(entries.map(([key]) => key));
    const runtime = runtimeModules(plain);
    expect(runtime.length).toBeGreaterThan(30);
    for (const m of runtime) expect(keys, m.id).toContain(transformKey(m.id, m.source));

    usePrebuilt(formatPrebuiltTransforms(entries));
    const prebuilt = await compileWorkflows({ workflowsPath: ORDER, cache: false });
    expect(prebuilt.code).toBe(plain.code);
    expect(JSON.stringify(prebuilt.sourceMap)).toBe(JSON.stringify(plain.sourceMap));

    // With a disk cache, only the workflow's own modules are transformed and cached.
    const cacheDir = mkdtempSync(join(tmpdir(), 'reprise-prebuilt-cache-'));
    const cached = compileWorkflowsSync({ workflowsPath: ORDER, cacheDir });
    expect(cached.code).toBe(plain.code);
    const files = readdirSync(cacheDir, { recursive: true }).filter((f) => String(f).endsWith('.json'));
    expect(files.length).toBe(plain.modules.filter((id) => !id.startsWith('reprise:')).length);
  });

  it('in dist are current: the build run before the tests covers the runtime as it is now', () => {
    usePrebuiltTransforms(false);
    const bundle = compileWorkflowsSync({ workflowsPath: ORDER, cache: false });
    const text = readFileSync(PREBUILT_TRANSFORMS_PATH, 'utf8');
    const keys = new Set(text.split('\n').map((line) => line.slice(0, 64)));
    for (const m of runtimeModules(bundle)) expect(keys, m.id).toContain(transformKey(m.id, m.source));
  });
});

/** Runs `script` as an ES module in a fresh Node process at the workspace root; returns its stdout. */
function node(script: string, flags: string[] = []): string {
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

const COMPILE_IN_CHILD = `const { compileWorkflows } = await import('@reprise/runtime/compiler');
const url = import.meta.resolve('@reprise/runtime/compiler');
const ok = await compileWorkflows({ workflowsPath: ${JSON.stringify(ORDER)}, cache: false });
let error;
try {
  await compileWorkflows({ workflowsPath: ${JSON.stringify(join(FIXTURES, 'disallowed-chain/index.ts'))}, root: ${JSON.stringify(FIXTURES)}, cache: false });
} catch (err) {
  error = err.code + '\\n' + err.format();
}
process.stdout.write(JSON.stringify({ url, code: ok.code, map: JSON.stringify(ok.sourceMap), buildId: ok.buildId, error }));`;

interface ChildCompile {
  url: string;
  code: string;
  map: string;
  buildId: string;
  error: string;
}

describe('prebuilt compiler', () => {
  it('maps its stack traces back to the TypeScript sources', () => {
    const stack = node(
      `const { compileWorkflowsSync } = await import('@reprise/runtime/compiler');
try {
  compileWorkflowsSync({ workflowsPath: ${JSON.stringify(join(tmpdir(), 'reprise-no-such-entry.ts'))}, cache: false });
} catch (err) {
  process.stdout.write(err.stack);
}`,
      ['--enable-source-maps'],
    );
    expect(stack).toMatch(/^ModuleNotFoundError: /);
    expect(stack).toMatch(/\(.*\/packages\/runtime\/src\/compiler\/graph\.ts:\d+:\d+\)/);
    expect(stack).not.toContain('/dist/');
  });

  it('is what @reprise/runtime/compiler resolves to, and compiles exactly as the sources do', () => {
    const plain = compileWorkflowsSync({ workflowsPath: ORDER, cache: false });
    let expectedError = '';
    try {
      compileWorkflowsSync({
        workflowsPath: join(FIXTURES, 'disallowed-chain/index.ts'),
        root: FIXTURES,
        cache: false,
      });
    } catch (err) {
      expectedError = `${(err as CompileError).code}\n${(err as CompileError).format()}`;
    }
    expect(expectedError).toMatch(/^DISALLOWED_MODULE\n.*'node:child_process'/);

    const dist = JSON.parse(node(COMPILE_IN_CHILD)) as ChildCompile;
    expect(dist.url).toMatch(/\/packages\/runtime\/dist\/compiler\/index\.js$/);
    expect(dist.code).toBe(plain.code);
    expect(dist.map).toBe(JSON.stringify(plain.sourceMap));
    expect(dist.buildId).toBe(plain.buildId);
    expect(dist.error).toBe(expectedError);

    const source = JSON.parse(node(COMPILE_IN_CHILD, ['--conditions=reprise-source'])) as ChildCompile;
    expect(source.url).toMatch(/\/packages\/runtime\/src\/compiler\/index\.ts$/);
    expect(source.code).toBe(plain.code);
  });
});
