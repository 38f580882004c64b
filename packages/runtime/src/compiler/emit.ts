/**
 * Writes the bundle: one script holding every module as a factory, a tiny CommonJS loader, and the
 * `globalThis.__reprise` definition (see protocol/bundle.ts). Modules start on their own line, so
 * each module's SWC map becomes one section of an index map at a plain line offset.
 */
import { createHash } from 'node:crypto';
import { BUNDLE_GLOBAL } from '../protocol/bundle.ts';
import type { Graph } from './graph.ts';
import type { IndexSourceMap } from './sourcemap.ts';

/** The emitted script and what maps positions in it. */
export interface EmittedBundle {
  code: string;
  buildId: string;
  sourceMap: IndexSourceMap;
  /** Lines each section spans, parallel to `sourceMap.sections`. */
  lineCounts: number[];
}

const BUILD_ID_SLOT = '@@REPRISE_BUILD_ID@@';

// The loader is ES5-style on purpose: it runs before the prelude and must not depend on anything
// the prelude replaces. `registry()` gives a fresh module cache: each run re-evaluates every module.
function loader(graph: Graph): string {
  return `function registry() {
  var cache = [];
  function load(index) {
    var cached = cache[index];
    if (cached !== undefined) return cached.exports;
    var def = defs[index];
    var module = { id: ids[index], exports: {} };
    cache[index] = module;
    var deps = def[1];
    def[0].call(module.exports, module, module.exports, function require(specifier) {
      var dep = deps[specifier];
      if (dep === undefined) {
        throw new Error("Cannot find module '" + specifier + "' from '" + ids[index] + "': a workflow bundle holds only modules imported with a string literal");
      }
      return load(dep);
    });
    return module.exports;
  }
  return load;
}
registry()(${graph.prelude});
var types;
Object.defineProperty(globalThis, ${JSON.stringify(BUNDLE_GLOBAL)}, {
  value: Object.freeze({
    buildId: "${BUILD_ID_SLOT}",
    workflowTypes: function () {
      if (types === undefined) {
        var entry = registry()(${graph.entry});
        types = Object.keys(entry).filter(function (name) {
          return name !== "default" && typeof entry[name] === "function";
        });
      }
      return types.slice();
    },
    instantiate: function () {
      var load = registry();
      var runtime = load(${graph.instance});
      return runtime.createRunInstance(load(${graph.entry}));
    }
  })
});
`;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Emits the bundle for a walked graph. Same graph in, byte-identical code and map out. */
export function emitBundle(graph: Graph): EmittedBundle {
  const parts: string[] = [];
  const sections: IndexSourceMap['sections'] = [];
  const lineCounts: number[] = [];
  let line = 0;
  const push = (text: string): void => {
    parts.push(text);
    line += countLines(text);
  };
  push(`(function () {\nvar ids = ${JSON.stringify(graph.modules.map((m) => m.id))};\nvar defs = [\n`);
  graph.modules.forEach((mod, index) => {
    const body = mod.out.code.endsWith('\n') ? mod.out.code : `${mod.out.code}\n`;
    push(`// ${index}: ${mod.id}\n[function (module, exports, require) {\n`);
    sections.push({
      offset: { line, column: 0 },
      map: { ...mod.out.map, sources: [mod.id], sourcesContent: [mod.source] },
    });
    const lines = countLines(body);
    lineCounts.push(lines);
    push(body);
    push(`}, ${JSON.stringify(mod.deps)}]${index < graph.modules.length - 1 ? ',' : ''}\n`);
  });
  push(`];\n${loader(graph)}})();\n`);
  const template = parts.join('');
  const buildId = createHash('sha256').update(template).digest('hex').slice(0, 16);
  // The loader's slot is the last occurrence: module code may contain the same text.
  const slot = template.lastIndexOf(BUILD_ID_SLOT);
  const code = template.slice(0, slot) + buildId + template.slice(slot + BUILD_ID_SLOT.length);
  return { code, buildId, sourceMap: { version: 3, sections }, lineCounts };
}
