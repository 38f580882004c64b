// The workflow compiler: entry file in, one sandbox bundle out.
export {
  type CompileOptions,
  clearCompileCache,
  compileWorkflows,
  compileWorkflowsSync,
  type WorkflowBundle,
} from './compile.ts';
export {
  CompileError,
  DisallowedModuleError,
  type ImportLink,
  ModuleNotFoundError,
  WorkflowSyntaxError,
} from './errors.ts';
export type { IndexSourceMap, OriginalLocation, RawSourceMap } from './sourcemap.ts';
