/**
 * The Node built-ins the compiler uses, taken with `process.getBuiltinModule` rather than
 * `import ... from 'node:fs'`. An ES import of a built-in builds a module facade that reads every
 * export, which runs lazy getters such as `fs.promises`, `fs.ReadStream` and `crypto.webcrypto`
 * and so loads streams, readline and web crypto. A process started with `--no-node-snapshot` (as
 * the CLI and workers are) compiles each of those internal modules when it loads them: ~8 ms of a
 * cold compile in a fresh process, for code the compiler never calls (see docs/compiler.md).
 */
const fs = process.getBuiltinModule('node:fs');

export const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = fs;
/** `realpath(3)` in one call, rather than an `lstat` per path component. */
export const realpathSync = fs.realpathSync.native;
export const { createHash } = process.getBuiltinModule('node:crypto');
export const { builtinModules, createRequire } = process.getBuiltinModule('node:module');
