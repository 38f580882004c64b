/**
 * Golden cases: every folder under fixtures/compiler/ (except `_support`) holds an `index.ts` entry
 * and either `expected.txt` (the non-runtime modules of the bundle with their compiled code) or
 * `expected-error.txt` (the error report). Set UPDATE_GOLDEN=1 to rewrite them after a deliberate
 * change, then review the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CompileError, compileWorkflowsSync, type WorkflowBundle } from './index.ts';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/compiler');
const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name)
  .sort();

/** The part of a bundle a golden file pins: user and package modules, their code and links. */
function render(bundle: WorkflowBundle): string {
  const lines = bundle.code.split('\n');
  const sections = bundle.sourceMap.sections;
  const out = [`entry: ${bundle.entry}`, ''];
  sections.forEach((section, i) => {
    const id = section.map.sources[0]!;
    if (bundle.isRuntimeFile(id) || id.startsWith('_support/')) return;
    const start = section.offset.line;
    const next = sections[i + 1];
    // Module body, then its `}, {deps}]` line (see emit.ts for the layout). Deps are shown by id:
    // indices shift whenever the sandbox runtime gains a module.
    const end = (next ? next.offset.line - 2 : lines.indexOf('];', start)) - 1;
    const deps = JSON.parse(/^\}, (\{.*\})\],?$/.exec(lines[end]!)![1]!) as Record<string, number>;
    const linked = Object.entries(deps).map(
      ([spec, index]) => `  ${spec} -> ${sections[index]!.map.sources[0]}`,
    );
    out.push(`=== ${id}`, ...lines.slice(start, end), '--- links', ...linked, '');
  });
  return out.join('\n');
}

function compileCase(name: string): WorkflowBundle {
  return compileWorkflowsSync({
    workflowsPath: join(FIXTURES, name, 'index.ts'),
    root: FIXTURES,
    instancePath: join(FIXTURES, '_support/instance.ts'),
    cache: false,
  });
}

describe('compiler golden cases', () => {
  it('finds the cases', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['basic', 'node-modules', 'syntax-error', 'disallowed-chain']),
    );
  });

  for (const name of cases) {
    it(name, () => {
      const errorFile = join(FIXTURES, name, 'expected-error.txt');
      const outputFile = join(FIXTURES, name, 'expected.txt');
      const update = process.env.UPDATE_GOLDEN === '1';
      if (
        existsSync(errorFile) ||
        (update && !existsSync(outputFile) && name.match(/error|disallowed|missing/))
      ) {
        let report: string | undefined;
        try {
          compileCase(name);
        } catch (err) {
          report = `${(err as CompileError).code}\n${(err as CompileError).format()}\n`;
        }
        if (update && report) writeFileSync(errorFile, report);
        expect(report).toBe(readFileSync(errorFile, 'utf8'));
      } else {
        const text = render(compileCase(name));
        if (update) writeFileSync(outputFile, text);
        expect(text).toBe(readFileSync(outputFile, 'utf8'));
      }
    });
  }
});
