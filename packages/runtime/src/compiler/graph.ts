/**
 * The module graph of a bundle: starting from the prelude, the run-instance module and the entry,
 * transform each module, read its requires, apply the policy, resolve and repeat. Written as a
 * generator that yields one wave of modules to transform at a time, so the same walk drives both
 * the synchronous compile and the asynchronous one (which transforms a wave in parallel).
 */
import { DisallowedModuleError, type ImportLink, ModuleNotFoundError } from './errors.ts';
import { readFileSync } from './node-builtins.ts';
import { checkSpecifier, checkUserModule } from './policy.ts';
import { moduleId, ResolveHost, resolveModule } from './resolve.ts';
import type { RequireSite } from './scan.ts';
import { ModuleMap } from './sourcemap.ts';
import type { TransformedModule } from './transform.ts';

/** One module of the bundle. `deps` maps each specifier it requires to a module index. */
export interface GraphModule {
  id: string;
  path: string;
  source: string;
  out: TransformedModule;
  deps: Record<string, number>;
  /** How it was first reached, for import chains; absent for the roots. */
  parent?: { index: number; site: RequireSite };
}

/** The walked graph, in the (deterministic) order modules were discovered. */
export interface Graph {
  modules: GraphModule[];
  prelude: number;
  instance: number;
  entry: number;
  host: ResolveHost;
}

/** Absolute paths the walk starts from, and the project root module ids are relative to. */
export interface GraphRoots {
  root: string;
  prelude: string;
  instance: string;
  entry: string;
}

/** A request from the walk: transform these modules (id and source) and send back the results. */
export type TransformWave = { id: string; source: string }[];

const PRELUDE_HINT = 'the sandbox runtime is missing from this installation of @reprise/runtime';

/** Walks the graph; see the file comment for the generator protocol. */
export function* walkGraph(roots: GraphRoots): Generator<TransformWave, Graph, TransformedModule[]> {
  const host = new ResolveHost();
  const modules: GraphModule[] = [];
  const byPath = new Map<string, number>();
  const pathById = new Map<string, string>();

  const add = (path: string, runtimeDep: boolean, parent: GraphModule['parent']): number => {
    const known = byPath.get(path);
    if (known !== undefined) return known;
    let id = moduleId(host, path, roots.root, runtimeDep);
    // Two copies of one package version at different paths: keep both, with distinct ids.
    for (let n = 2; pathById.has(id); n++) id = `${id.replace(/~\d+$/, '')}~${n}`;
    pathById.set(id, path);
    const index = modules.length;
    const source = readFileSync(path, 'utf8');
    const mod: GraphModule = { id, path, source, out: undefined as never, deps: {} };
    if (parent) mod.parent = parent;
    modules.push(mod);
    byPath.set(path, index);
    return index;
  };

  const rootIndex = (path: string, what: string, hint: string): number => {
    if (host.kind(path) !== 'file') {
      throw new ModuleNotFoundError(what, [], hint);
    }
    return add(path, path !== roots.entry, undefined);
  };
  const prelude = rootIndex(roots.prelude, 'sandbox prelude', PRELUDE_HINT);
  const instance = rootIndex(
    roots.instance,
    'sandbox run instance',
    'the run-instance module (sandbox-runtime/instance.ts) is missing; pass instancePath to use another one',
  );
  const entry = rootIndex(
    roots.entry,
    roots.entry.split(/[\\/]/).at(-1) ?? 'entry',
    'check the workflows path',
  );

  let wave = [prelude, instance, entry].filter((v, i, all) => all.indexOf(v) === i);
  while (wave.length > 0) {
    const outputs = yield wave.map((i) => ({ id: modules[i]!.id, source: modules[i]!.source }));
    wave.forEach((index, k) => {
      modules[index]!.out = outputs[k]!;
    });
    const next: number[] = [];
    for (const index of wave) {
      const mod = modules[index]!;
      const runtime = mod.id.startsWith('reprise:');
      for (const site of mod.out.requires) {
        if (mod.deps[site.specifier] !== undefined) continue;
        const link = () => [...chainTo(modules, index), linkFor(mod, site)];
        const violation = checkSpecifier(site.specifier);
        if (violation)
          throw new DisallowedModuleError(site.specifier, violation.reason, link(), violation.hint);
        let path: string | undefined;
        try {
          path = resolveModule(host, site.specifier, mod.path);
        } catch (err) {
          throw new ModuleNotFoundError(site.specifier, link(), (err as Error).message);
        }
        if (path === undefined) {
          throw new ModuleNotFoundError(
            site.specifier,
            link(),
            site.specifier.startsWith('.')
              ? 'check the path; extensions .ts/.js and index files are tried'
              : `install it (npm install ${site.specifier}) or check the package name`,
          );
        }
        const before = modules.length;
        const dep = add(path, runtime, { index, site });
        const depId = modules[dep]!.id;
        if (!depId.startsWith('reprise:') && !depId.startsWith('node_modules/') && !runtime) {
          const bad = checkUserModule(site.specifier, depId);
          if (bad) throw new DisallowedModuleError(site.specifier, bad.reason, link(), bad.hint);
        }
        mod.deps[site.specifier] = dep;
        if (dep >= before) next.push(dep);
      }
    }
    wave = next;
  }
  return { modules, prelude, instance, entry, host };
}

/** The import chain from a root down to (not including) the module's own imports. */
function chainTo(modules: GraphModule[], index: number): ImportLink[] {
  const links: ImportLink[] = [];
  for (let mod = modules[index]; mod?.parent; mod = modules[mod.parent.index]) {
    links.unshift(linkFor(modules[mod.parent.index]!, mod.parent.site));
  }
  return links;
}

/** Where in the original source a require of the output came from. */
function linkFor(mod: GraphModule, site: RequireSite): ImportLink {
  const mapped = new ModuleMap(mod.out.map).lookup(site.line, site.column);
  if (mapped && mapped.line > 0) {
    return { file: mod.id, line: mapped.line, column: mapped.column, specifier: site.specifier };
  }
  // Unmapped (a helper SWC generated): fall back to the first place the specifier is written.
  const hits = [`'${site.specifier}'`, `"${site.specifier}"`]
    .map((q) => mod.source.indexOf(q))
    .filter((n) => n >= 0);
  const at = hits.length > 0 ? Math.min(...hits) : 0;
  const before = mod.source.slice(0, at).split('\n');
  return {
    file: mod.id,
    line: before.length,
    column: (before.at(-1)?.length ?? 0) + 1,
    specifier: site.specifier,
  };
}
