/**
 * From a command's raw stack (bundle coordinates) to the line of the workflow's own TypeScript that
 * produced it: each frame goes through the bundle's source map; frames of Reprise's sandbox runtime
 * (the API the workflow called) are skipped, so the first remaining frame is the user's call site.
 */
import type { SourceLocation } from '../protocol/index.ts';

/** What locating needs from a compiled bundle. */
export interface LocatableBundle {
  mapLocation(line: number, column: number): { file: string; line: number; column: number } | undefined;
  isRuntimeFile(file: string): boolean;
}

const FRAME = /:(\d+):(\d+)\)?\s*$/;

/** The workflow source location of the first non-runtime frame of `stack`, if any maps. */
export function locateStack(stack: string, bundle: LocatableBundle): SourceLocation | undefined {
  for (const raw of stack.split('\n')) {
    const frame = raw.trim();
    if (!frame.startsWith('at ')) continue;
    const m = FRAME.exec(frame);
    if (!m) continue;
    const mapped = bundle.mapLocation(Number(m[1]), Number(m[2]));
    if (!mapped || bundle.isRuntimeFile(mapped.file)) continue;
    return { file: mapped.file, line: mapped.line, column: mapped.column, frame };
  }
  return undefined;
}
