/**
 * Compile-time errors. Each names the file and position, the import chain from the entry file, and
 * what to do next; `format()` gives the multi-line text the CLI prints.
 */
import { RepriseError } from '../errors.ts';

/** One step of an import chain: `file` imports `specifier` at `line`:`column` (1-based). */
export interface ImportLink {
  file: string;
  line: number;
  column: number;
  specifier: string;
}

/** One line per import, from the entry file down: `file:line:col imports 'x'`. */
function chainLines(chain: readonly ImportLink[]): string[] {
  return ['import chain:', ...chain.map((l) => `  ${l.file}:${l.line}:${l.column} imports '${l.specifier}'`)];
}

/** Base of compile errors: a message plus facts, each printed on its own line. */
export class CompileError extends RepriseError {
  /** Project-relative file the error is in. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** What to do next, one sentence. */
  readonly hint: string;
  constructor(
    code: string,
    message: string,
    where: { file: string; line: number; column: number },
    hint: string,
  ) {
    super(code, message);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.hint = hint;
  }
  /** Lines of facts after the message (location, chain, ...). */
  details(): string[] {
    return [`at ${this.file}:${this.line}:${this.column}`];
  }
  /** The full report: message, one line per fact, and the hint. */
  format(): string {
    return [this.message, ...this.details().map((d) => `  ${d}`), `HINT: ${this.hint}`].join('\n');
  }
}

/** Workflow code (or something it imports) imports a module the sandbox must not load. */
export class DisallowedModuleError extends CompileError {
  /** The specifier as written, e.g. `node:fs` or `./activities.ts`. */
  readonly moduleName: string;
  /** Why the module is refused, e.g. `a Node built-in module`. */
  readonly reason: string;
  /** Every import from the entry file down to the offending one (the last link). */
  readonly chain: readonly ImportLink[];
  constructor(moduleName: string, reason: string, chain: readonly ImportLink[], hint: string) {
    const last = chain.at(-1) ?? { file: moduleName, line: 0, column: 0, specifier: moduleName };
    super(
      'DISALLOWED_MODULE',
      `${last.file} imports '${moduleName}' (${reason}), which workflow code may not import`,
      last,
      hint,
    );
    this.moduleName = moduleName;
    this.reason = reason;
    this.chain = chain;
  }
  override details(): string[] {
    return [`at ${this.file}:${this.line}:${this.column}`, ...chainLines(this.chain)];
  }
}

/** A module does not parse. */
export class WorkflowSyntaxError extends CompileError {
  /** The parser's own message, e.g. `Expression expected`. */
  readonly swcMessage: string;
  constructor(where: { file: string; line: number; column: number }, swcMessage: string) {
    super(
      'WORKFLOW_SYNTAX',
      `syntax error in ${where.file}:${where.line}:${where.column}: ${swcMessage}`,
      where,
      'fix the syntax at that position; `npx tsc --noEmit` shows the same error with more context',
    );
    this.swcMessage = swcMessage;
  }
}

/** An import that resolves to no file. */
export class ModuleNotFoundError extends CompileError {
  readonly moduleName: string;
  readonly chain: readonly ImportLink[];
  constructor(moduleName: string, chain: readonly ImportLink[], hint: string) {
    const last = chain.at(-1) ?? { file: moduleName, line: 0, column: 0, specifier: moduleName };
    super('MODULE_NOT_FOUND', `cannot resolve '${moduleName}' imported by ${last.file}`, last, hint);
    this.moduleName = moduleName;
    this.chain = chain;
  }
  override details(): string[] {
    return [`at ${this.file}:${this.line}:${this.column}`, ...chainLines(this.chain)];
  }
}
