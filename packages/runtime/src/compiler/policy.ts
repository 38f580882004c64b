/**
 * Module policy: which imports workflow code may not make. Checked at compile time so a bad import
 * fails the build with its chain and a hint instead of failing a workflow task at run time.
 */
import { builtinModules } from './node-builtins.ts';

/** Why a specifier is refused, and what to do instead. */
export interface PolicyViolation {
  reason: string;
  hint: string;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

const ACTIVITY_HINT =
  'call activities through proxyActivities() so they run on the worker; for their types use `import type`';
const IO_HINT =
  'move this into an activity and call it through proxyActivities(); for types use `import type`';

/** Host-only packages by name (a subpath of one is refused too). */
const HOST_PACKAGES: Record<string, PolicyViolation> = {
  pg: { reason: 'the Postgres client, host-only', hint: IO_HINT },
  'isolated-vm': { reason: 'the sandbox host, host-only', hint: IO_HINT },
  msgpackr: { reason: 'the history codec, host-only', hint: IO_HINT },
  '@reprise/history-store': {
    reason: 'the history store, host-only',
    hint: 'workflow code reaches history only through @reprise/runtime/workflow; for types use `import type`',
  },
  '@reprise/runtime': {
    reason: 'the host runtime (worker, client, compiler)',
    hint: "import from '@reprise/runtime/workflow' instead; for host types use `import type`",
  },
  '@reprise/testing': {
    reason: 'the test toolkit, host-only',
    hint: 'tests import @reprise/testing; workflow code does not',
  },
  '@reprise/versioning/analysis': {
    reason: 'host-side history analysis',
    hint: "use patched()/getVersion() from '@reprise/runtime/workflow'",
  },
};

/** Package scopes refused wholesale. */
const HOST_SCOPES: Record<string, PolicyViolation> = {
  '@swc': { reason: 'the compiler, host-only', hint: IO_HINT },
  '@electric-sql': { reason: 'the embedded Postgres, host-only', hint: IO_HINT },
};

/** Specifiers that always resolve to the sandbox's own modules, whatever the importer. */
export const SANDBOX_ALIASES = ['@reprise/runtime/workflow', '@reprise/versioning'] as const;

/** `lodash/fp` -> `lodash`, `@a/b/c` -> `@a/b`; undefined for relative or absolute specifiers. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Checks a bare specifier before resolution. Aliases are always allowed. */
export function checkSpecifier(specifier: string): PolicyViolation | undefined {
  if ((SANDBOX_ALIASES as readonly string[]).includes(specifier)) return undefined;
  if (
    specifier.startsWith('node:') ||
    BUILTINS.has(specifier) ||
    BUILTINS.has(packageName(specifier) ?? '')
  ) {
    return {
      reason: 'a Node built-in module',
      hint: `${IO_HINT}; time, randomness and timers are already deterministic inside workflows`,
    };
  }
  const name = packageName(specifier);
  if (name === undefined) return undefined;
  const exact = HOST_PACKAGES[specifier];
  if (exact) return exact;
  if (name.startsWith('@reprise/')) {
    // Any other subpath of our host packages is host code as well.
    return HOST_PACKAGES[name] ?? HOST_PACKAGES['@reprise/runtime']!;
  }
  const pkg = HOST_PACKAGES[name];
  if (pkg) return pkg;
  const scope = name.startsWith('@') ? name.split('/')[0]! : undefined;
  return scope === undefined ? undefined : HOST_SCOPES[scope];
}

// A path segment named activity/activities, or a file named activity.* / activities.*.
const ACTIVITY_PATH = /(^|\/)activit(y|ies)(\.[^/]*)?(\/|$)/;

/**
 * Checks a value import of a user module (not runtime, not node_modules) by its project-relative
 * path and the specifier as written: activity implementations run on the worker, never in a workflow.
 */
export function checkUserModule(specifier: string, resolvedId: string): PolicyViolation | undefined {
  if (ACTIVITY_PATH.test(resolvedId) || ACTIVITY_PATH.test(specifier.replace(/^(\.\.?\/)+/, ''))) {
    return { reason: 'an activity implementation', hint: ACTIVITY_HINT };
  }
  return undefined;
}
