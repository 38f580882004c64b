/**
 * Module resolution for workflow bundles: relative files with or without extensions, `.js` written
 * for a `.ts` file, index files, node_modules packages (`exports`, `module`, `main`), JSON, and the
 * two sandbox aliases. Every file looked at is recorded so a cached bundle can be re-validated.
 */
import { dirname, join, relative, sep } from 'node:path';
import { createRequire, readFileSync, realpathSync, statSync } from './node-builtins.ts';

/**
 * Absolute real path of this package's `src` (the sandbox runtime lives under it). The sandbox
 * runtime is always bundled from its sources, whether the compiler itself runs from
 * `src/compiler` or from its prebuilt copy in `dist/compiler`: both sit two levels down.
 */
export const RUNTIME_SRC = realpathSync(join(import.meta.dirname, '../../src'));
/** Absolute real path of `@reprise/versioning`'s `src`, found the way Node would find it from here. */
export const VERSIONING_SRC = dirname(
  realpathSync(createRequire(import.meta.url).resolve('@reprise/versioning')),
);

/** Where `@reprise/runtime/workflow` and `@reprise/versioning` always point. */
const ALIASES: Record<string, string> = {
  '@reprise/runtime/workflow': join(RUNTIME_SRC, 'workflow.ts'),
  '@reprise/versioning': join(VERSIONING_SRC, 'index.ts'),
};

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
/** TypeScript sources a `.js`-style specifier may stand for (NodeNext style imports). */
const TS_FOR_JS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};
/** `exports` conditions, in the order a package lists them; no `node` or `browser` builds. */
const CONDITIONS = new Set(['import', 'require', 'module', 'default']);

type Kind = 'file' | 'dir' | undefined;

/** File-system view of one compile: memoized stats, package.json reads, and what was missing. */
export class ResolveHost {
  /** Paths looked for and not found; a cached bundle is stale once one appears. */
  readonly missing = new Set<string>();
  /** package.json files read, by path, with their text. */
  readonly packageFiles = new Map<string, string>();
  readonly #kinds = new Map<string, Kind>();
  readonly #json = new Map<string, Record<string, unknown> | undefined>();

  kind(path: string): Kind {
    if (this.#kinds.has(path)) return this.#kinds.get(path);
    let kind: Kind;
    try {
      // No error object for the common miss (resolution tries many extensions).
      const st = statSync(path, { throwIfNoEntry: false });
      kind = st?.isFile() ? 'file' : st?.isDirectory() ? 'dir' : undefined;
    } catch {
      kind = undefined;
    }
    if (kind === undefined) this.missing.add(path);
    this.#kinds.set(path, kind);
    return kind;
  }

  packageJson(dir: string): Record<string, unknown> | undefined {
    const path = join(dir, 'package.json');
    if (this.#json.has(path)) return this.#json.get(path);
    let value: Record<string, unknown> | undefined;
    if (this.kind(path) === 'file') {
      const text = readFileSync(path, 'utf8');
      this.packageFiles.set(path, text);
      try {
        value = JSON.parse(text) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`invalid JSON in ${path}: ${(err as Error).message}`);
      }
    }
    this.#json.set(path, value);
    return value;
  }
}

/** Resolves `specifier` imported from the file `importer` to an absolute real path, or undefined. */
export function resolveModule(host: ResolveHost, specifier: string, importer: string): string | undefined {
  const alias = ALIASES[specifier];
  if (alias) return alias;
  let found: string | undefined;
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
    found = resolvePath(host, join(dirname(importer), specifier));
  } else if (specifier.startsWith('/')) {
    found = resolvePath(host, specifier);
  } else {
    found = resolvePackage(host, specifier, dirname(importer));
  }
  return found === undefined ? undefined : realpathSync(found);
}

function resolvePath(host: ResolveHost, path: string): string | undefined {
  return resolveFile(host, path) ?? resolveDirectory(host, path);
}

function resolveFile(host: ResolveHost, path: string): string | undefined {
  if (host.kind(path) === 'file') return path;
  const dot = path.lastIndexOf('.');
  const ext = dot > path.lastIndexOf('/') ? path.slice(dot) : '';
  for (const ts of TS_FOR_JS[ext] ?? []) {
    const candidate = path.slice(0, dot) + ts;
    if (host.kind(candidate) === 'file') return candidate;
  }
  for (const e of EXTENSIONS) {
    if (host.kind(path + e) === 'file') return path + e;
  }
  return undefined;
}

function resolveDirectory(host: ResolveHost, dir: string): string | undefined {
  if (host.kind(dir) !== 'dir') return undefined;
  const pkg = host.packageJson(dir);
  for (const field of ['module', 'main']) {
    const entry = pkg?.[field];
    if (typeof entry === 'string') {
      const found = resolveFile(host, join(dir, entry)) ?? resolveIndex(host, join(dir, entry));
      if (found) return found;
    }
  }
  return resolveIndex(host, dir);
}

function resolveIndex(host: ResolveHost, dir: string): string | undefined {
  if (host.kind(dir) !== 'dir') return undefined;
  for (const e of EXTENSIONS) {
    const candidate = join(dir, `index${e}`);
    if (host.kind(candidate) === 'file') return candidate;
  }
  return undefined;
}

function resolvePackage(host: ResolveHost, specifier: string, fromDir: string): string | undefined {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.slice(nameLength).join('/');
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (!dir.endsWith(`${sep}node_modules`)) {
      const pkgRoot = join(dir, 'node_modules', name);
      if (host.kind(pkgRoot) === 'dir') return resolveInPackage(host, pkgRoot, subpath, specifier);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function resolveInPackage(
  host: ResolveHost,
  pkgRoot: string,
  subpath: string,
  specifier: string,
): string | undefined {
  const pkg = host.packageJson(pkgRoot);
  if (pkg && pkg.exports !== undefined && pkg.exports !== null) {
    const target = exportsTarget(pkg.exports, subpath === '' ? '.' : `./${subpath}`);
    if (target === undefined) {
      throw new Error(`package '${specifier}' does not export './${subpath}' in its package.json "exports"`);
    }
    return resolveFile(host, join(pkgRoot, target));
  }
  return subpath === '' ? resolveDirectory(host, pkgRoot) : resolvePath(host, join(pkgRoot, subpath));
}

/** Resolves a package.json `exports` field for one subpath (`.` or `./x`). */
export function exportsTarget(exports: unknown, subpath: string): string | undefined {
  let map: Record<string, unknown>;
  if (typeof exports === 'string' || Array.isArray(exports)) map = { '.': exports };
  else if (typeof exports === 'object' && exports !== null) {
    const keys = Object.keys(exports);
    map = keys.length > 0 && keys.every((k) => !k.startsWith('.')) ? { '.': exports } : (exports as never);
  } else return undefined;
  if (subpath in map) return conditionTarget(map[subpath], undefined);
  // Pattern keys: the longest prefix before `*` wins.
  let best: { key: string; star: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      if (!best || prefix.length > best.key.indexOf('*')) {
        best = { key, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
      }
    }
  }
  return best ? conditionTarget(map[best.key], best.star) : undefined;
}

function conditionTarget(target: unknown, star: string | undefined): string | undefined {
  if (typeof target === 'string') return star === undefined ? target : target.replaceAll('*', star);
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = conditionTarget(t, star);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.has(condition)) continue;
      const found = conditionTarget(value, star);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The module id of a resolved file: `reprise:runtime/...` and `reprise:versioning/...` for our own
 * sandbox code, `node_modules/<name>@<version>/...` for packages (`reprise:deps/...` when only the
 * runtime imports them), otherwise the path relative to the project root. Never an absolute path.
 */
export function moduleId(host: ResolveHost, path: string, root: string, runtimeDep: boolean): string {
  if (isUnder(path, RUNTIME_SRC)) return `reprise:runtime/${toPosix(relative(RUNTIME_SRC, path))}`;
  if (isUnder(path, VERSIONING_SRC)) return `reprise:versioning/${toPosix(relative(VERSIONING_SRC, path))}`;
  const marker = `${sep}node_modules${sep}`;
  const at = path.lastIndexOf(marker);
  if (at >= 0) {
    const rest = toPosix(path.slice(at + marker.length)).split('/');
    const nameLength = rest[0]?.startsWith('@') ? 2 : 1;
    const name = rest.slice(0, nameLength).join('/');
    const pkg = host.packageJson(join(path.slice(0, at + marker.length), name));
    const version = typeof pkg?.version === 'string' ? `@${pkg.version}` : '';
    const prefix = runtimeDep ? 'reprise:deps/' : 'node_modules/';
    return `${prefix}${name}${version}/${rest.slice(nameLength).join('/')}`;
  }
  return toPosix(relative(root, path));
}

function isUnder(path: string, dir: string): boolean {
  return path.startsWith(dir + sep);
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
