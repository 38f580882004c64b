import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRepriseError, RepriseError } from '../errors.ts';
import { compileWorkflowsSync, DisallowedModuleError } from './index.ts';

const SUPPORT = join(import.meta.dirname, '../../../../fixtures/compiler/_support/instance.ts');

/** Writes a scratch project (with the test run instance) and returns its directory. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'reprise-policy-'));
  cpSync(SUPPORT, join(dir, 'instance.ts'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function compile(dir: string, entry = 'index.ts') {
  return compileWorkflowsSync({
    workflowsPath: join(dir, entry),
    instancePath: join(dir, 'instance.ts'),
    cache: false,
  });
}

function failure(dir: string, entry = 'index.ts'): DisallowedModuleError {
  try {
    compile(dir, entry);
  } catch (err) {
    if (err instanceof DisallowedModuleError) return err;
    throw err;
  }
  throw new Error('expected a DisallowedModuleError');
}

const ACTIVITIES = 'export interface Api { charge(): Promise<void> }\nexport async function charge() {}\n';

describe('module policy', () => {
  const refused = [
    'fs',
    'fs/promises',
    'node:fs',
    'node:net',
    'http',
    'child_process',
    'crypto',
    'worker_threads',
    'pg',
    'isolated-vm',
    'msgpackr',
    '@swc/core',
    '@electric-sql/pglite',
    '@reprise/history-store',
    '@reprise/runtime',
    '@reprise/testing',
    '@reprise/versioning/analysis',
  ];
  for (const name of refused) {
    it(`refuses '${name}' with its position, chain and a hint`, () => {
      const dir = project({
        'index.ts': `// header\nimport * as mod from '${name}';\nexport async function wf() { return typeof mod; }\n`,
      });
      const err = failure(dir);
      expect(err.code).toBe('DISALLOWED_MODULE');
      expect(err).toBeInstanceOf(RepriseError);
      expect(isRepriseError(err)).toBe(true);
      expect(err.moduleName).toBe(name);
      expect(err.file).toBe('index.ts');
      expect(err.line).toBe(2);
      expect(err.column).toBeGreaterThan(1);
      expect(err.chain).toEqual([{ file: 'index.ts', line: 2, column: err.column, specifier: name }]);
      expect(err.hint.length).toBeGreaterThan(20);
      expect(err.format()).toContain(`HINT: ${err.hint}`);
    });
  }

  it('refuses require() and dynamic import() of built-ins in JavaScript too', () => {
    const cjs = project({ 'index.js': `const os = require('os');\nexports.wf = async () => os.EOL;\n` });
    expect(failure(cjs, 'index.js').moduleName).toBe('os');
    const dyn = project({ 'index.ts': `export async function wf() {\n  return import('node:dns');\n}\n` });
    expect(failure(dyn)).toMatchObject({ moduleName: 'node:dns', line: 2 });
  });

  it('gives the full chain through several files', () => {
    const dir = project({
      'index.ts': `import { a } from './a.ts';\nexport async function wf() { return a(); }\n`,
      'a.ts': `import { b } from './deep/b.js';\nexport const a = () => b();\n`,
      'deep/b.ts': `\nimport { c } from '../c';\nexport const b = () => c();\n`,
      'c.ts': `import { request } from 'http';\nexport const c = () => typeof request;\n`,
    });
    const err = failure(dir);
    expect(err.chain.map((l) => [l.file, l.line, l.specifier])).toEqual([
      ['index.ts', 1, './a.ts'],
      ['a.ts', 1, './deep/b.js'],
      ['deep/b.ts', 2, '../c'],
      ['c.ts', 1, 'http'],
    ]);
    expect(err.format().split('\n')).toContain("    deep/b.ts:2:19 imports '../c'");
  });

  it('refuses value imports and re-exports of activity implementations', () => {
    for (const [file, specifier] of [
      ['activities.ts', './activities.ts'],
      ['activities/payments.ts', './activities/payments.ts'],
      ['activity.ts', './activity'],
    ] as const) {
      const value = project({
        [file]: ACTIVITIES,
        'index.ts': `import { charge } from '${specifier}';\nexport async function wf() { return charge(); }\n`,
      });
      expect(failure(value)).toMatchObject({ moduleName: specifier, reason: 'an activity implementation' });
      const reexport = project({
        [file]: ACTIVITIES,
        'index.ts': `export { charge } from '${specifier}';\n`,
      });
      expect(failure(reexport).moduleName).toBe(specifier);
    }
  });

  it('allows type-only imports from activities, and the sandbox aliases', () => {
    const dir = project({
      'activities.ts': ACTIVITIES,
      'index.ts': [
        "import type { Api } from './activities.ts';",
        "import { type Api as Same } from './activities.ts';",
        "export type { Api as Reexported } from './activities.ts';",
        "import { sleep } from '@reprise/runtime/workflow';",
        "import { patched } from '@reprise/versioning';",
        'export async function wf(api: Api, same: Same) { await sleep(1); return [api, same, patched]; }',
        '',
      ].join('\n'),
    });
    const bundle = compile(dir);
    expect(bundle.modules).not.toContain('activities.ts');
    expect(bundle.modules).toEqual(expect.arrayContaining(['index.ts', 'reprise:runtime/workflow.ts']));
    expect(bundle.modules.some((m) => m.startsWith('reprise:versioning/'))).toBe(true);
  });

  it('ignores requires that only appear in comments and strings', () => {
    const dir = project({
      'index.ts': `// require('fs')\n/* import('net') */\nexport async function wf() { return "require('pg')" + \`require("os")\`; }\n`,
    });
    expect(compile(dir).modules).toContain('index.ts');
  });
});
