/**
 * The JUnit XML report of a version check, for CI systems: one test suite per workflow type, one
 * test case per history, a failure carrying the nondeterminism diff.
 */
import type { VersionCheckResult } from './check.ts';

/** Renders a {@link VersionCheckResult} as JUnit XML. */
export function versionCheckJUnit(result: VersionCheckResult, name = 'reprise versions check'): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(name)}" tests="${result.total}" failures="${result.failed}">`,
  ];
  for (const t of result.workflowTypes) {
    out.push(
      `  <testsuite name="${esc(t.workflowType)}" tests="${t.histories.length}" failures="${t.failed}">`,
    );
    for (const h of t.histories) {
      const open = `    <testcase classname="${esc(t.workflowType)}" name="${esc(`${h.workflowId}/${h.runId}`)}" file="${esc(h.source)}"`;
      if (h.ok) {
        out.push(`${open}/>`);
        continue;
      }
      const f = h.failure!;
      const where = f.location ? ` at ${f.location.file}:${f.location.line}` : '';
      const summary = `${f.code}${f.eventId !== undefined ? ` at event ${f.eventId}` : ''}${where}`;
      out.push(
        `${open}>`,
        `      <failure type="${esc(f.code)}" message="${esc(summary)}">${esc(f.message)}</failure>`,
      );
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function esc(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 cannot carry at all (terminal colour codes and the like).
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
