import { describe, expect, it } from 'vitest';
import { findRequires } from './scan.ts';

const specifiers = (code: string) => findRequires(code).map((s) => s.specifier);

describe('findRequires', () => {
  it('finds static requires with their 0-based positions', () => {
    expect(findRequires('const a = require("a");\n  x(require(\'b\'));')).toEqual([
      { specifier: 'a', line: 0, column: 10 },
      { specifier: 'b', line: 1, column: 4 },
    ]);
  });

  it('skips comments, strings, templates and regular expressions', () => {
    const code = [
      '// require("c1")',
      '/* require("c2") */',
      'const s = "require(\'s1\')" + \'require("s2")\';',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      'const t = `require("t1") ${require("inside")} require("t2")`;',
      'const r = /require\\("r1"\\)/.test(x) ? 1 / 2 : 3;',
      'obj.require("member"); require(dynamic); require("a" + b);',
      'return require("kept");',
    ].join('\n');
    expect(specifiers(code)).toEqual(['inside', 'kept']);
  });

  it('keeps nested template substitutions balanced', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    expect(specifiers('`${ {a: `${1}`}.a }` ; require("after")')).toEqual(['after']);
  });
});
