/**
 * Writes the bundle: one script holding every module as a factory, a tiny CommonJS loader that shares
 * the stateless runtime modules between runs (sharing.ts), and the
 * `globalThis.__reprise` definition (see protocol/bundle.ts). Modules start on their own line, so
 * each module's SWC map becomes one section of an index map at a plain line offset.
 */
import { BUNDLE_GLOBAL } from '../protocol/bundle.ts';
import type { Graph } from './graph.ts';
import { createHash } from './node-builtins.ts';
import { moduleSharing } from './sharing.ts';
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
// the prelude replaces. `shared` says how each module is evaluated (see sharing.ts). `runtime` is
// the context's registry: it evaluates the prelude and every shared module once, at load.
// `registry(runtime)` gives a run its own cache for everything else, so each run re-evaluates the
// workflow modules and links to the shared runtime. The exported values of shared modules outside
// the prelude hang off `__reprise` (non-enumerable) so that the host's lockdown, which freezes
// everything reachable from `globalThis`, freezes them as well.
function loader(graph: Graph): string {
  return `function registry(base) {
  var cache = [];
  function load(index) {
    if (base !== undefined && shared[index] !== 0) return base(index);
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
var runtime = registry(undefined);
runtime(${graph.prelude});
var runtimeValues = [];
for (var index = 0; index < defs.length; index++) {
  if (shared[index] === 0) continue;
  var exported = runtime(index);
  if (shared[index] !== 2) continue;
  runtimeValues.push(exported);
  if ((typeof exported === "object" || typeof exported === "function") && exported !== null) {
    var names = Object.keys(exported);
    for (var n = 0; n < names.length; n++) runtimeValues.push(exported[names[n]]);
  }
}
var types;
var bundle = {
  buildId: "${BUILD_ID_SLOT}",
  workflowTypes: function () {
    if (types === undefined) {
      var entry = registry(runtime)(${graph.entry});
      types = Object.keys(entry).filter(function (name) {
        return name !== "default" && typeof entry[name] === "function";
      });
    }
    return types.slice();
  },
  instantiate: function () {
    var load = registry(runtime);
    var instance = load(${graph.instance});
    return instance.createRunInstance(load(${graph.entry}));
  }
};
Object.defineProperty(bundle, "sharedRuntime", { value: Object.freeze(runtimeValues) });
Object.defineProperty(globalThis, ${JSON.stringify(BUNDLE_GLOBAL)}, { value: Object.freeze(bundle) });
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
  push(
    `(function () {\nvar ids = ${JSON.stringify(graph.modules.map((m) => m.id))};\nvar shared = ${JSON.stringify(moduleSharing(graph))};\nvar defs = [\n`,
  );
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
