import { SourceMap } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compileWorkflowsSync } from './index.ts';
import { decodeMappings } from './sourcemap.ts';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/compiler');
const bundle = compileWorkflowsSync({
  workflowsPath: join(FIXTURES, 'basic/index.ts'),
  instancePath: join(FIXTURES, '_support/instance.ts'),
  root: FIXTURES,
  cache: false,
});

describe('VLQ decoding', () => {
  it('decodes relative fields, negative values and multi-digit numbers', () => {
    // [0,0,0,0], [+2,0,+1,+3] ; [0,0,-1,-3], [+16,0,0,+16]
    expect(decodeMappings('AAAA,EACG;AADH,gBAAgB')).toEqual([
      [
        { genColumn: 0, source: 0, line: 0, column: 0 },
        { genColumn: 2, source: 0, line: 1, column: 3 },
      ],
      [
        { genColumn: 0, source: 0, line: 0, column: 0 },
        { genColumn: 16, source: 0, line: 0, column: 16 },
      ],
    ]);
  });

  it('rejects characters outside base64', () => {
    expect(() => decodeMappings('AA!A')).toThrow(/invalid base64 VLQ/);
  });
});

describe('bundle source map', () => {
  it('maps a known statement back to its TypeScript line', () => {
    const lines = bundle.code.split('\n');
    const line = lines.findIndex((l) => l.includes('started++')) + 1;
    const column = lines[line - 1]!.indexOf('started++') + 1;
    // basic/index.ts: `  started++;` is line 12, column 3.
    expect(bundle.mapLocation(line, column)).toEqual({ file: 'basic/index.ts', line: 12, column: 3 });
    expect(bundle.mapLocation(1, 1)).toBeUndefined();
  });

  it('maps a V8 stack frame of the evaluated bundle to the source', async () => {
    const context = vm.createContext({});
    vm.runInContext(bundle.code, context, { filename: 'bundle.js' });
    const g = context.__reprise as { instantiate(): { activate(a: unknown): void; conclude(): unknown } };
    const run = g.instantiate();
    run.activate({ workflowType: 'fail', args: ['on purpose'] });
    await new Promise((r) => setTimeout(r, 0));
    const { result } = run.conclude() as { result: Error };
    expect(result.message).toBe('failed: on purpose');
    const frames = [...(result.stack ?? '').matchAll(/bundle\.js:(\d+):(\d+)/g)];
    const top = bundle.mapLocation(Number(frames[0]![1]), Number(frames[0]![2]));
    // basic/index.ts line 22: `  throw new Error(...)`.
    expect(top).toEqual({ file: 'basic/index.ts', line: 22, column: 9 });
  });

  it('agrees with Node’s own source map reader at every mapped position', () => {
    const oracle = new SourceMap(bundle.sourceMap as never);
    let checked = 0;
    for (const section of bundle.sourceMap.sections) {
      decodeMappings(section.map.mappings).forEach((segments, i) => {
        for (const seg of segments) {
          const line = section.offset.line + i + 1;
          const expected = oracle.findOrigin(line, seg.genColumn + 1) as {
            fileName: string;
            lineNumber: number;
            columnNumber: number;
          };
          expect(bundle.mapLocation(line, seg.genColumn + 1)).toEqual({
            file: expected.fileName,
            line: expected.lineNumber,
            column: expected.columnNumber,
          });
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('tells runtime files from workflow files', () => {
    expect(bundle.isRuntimeFile('reprise:runtime/workflow.ts')).toBe(true);
    expect(bundle.isRuntimeFile('reprise:versioning/index.ts')).toBe(true);
    expect(bundle.isRuntimeFile('basic/index.ts')).toBe(false);
    expect(bundle.modules.filter((m) => bundle.isRuntimeFile(m))).toContain(
      'reprise:runtime/sandbox-runtime/prelude.ts',
    );
  });
});
