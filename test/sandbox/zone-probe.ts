/**
 * Prints, as JSON, what time- and locale-sensitive code sees inside an inline sandbox. Run by
 * host-zone.test.ts under different TZ and LANG values.
 */
import { createWorkflowSandbox } from '../../packages/runtime/src/sandbox/index.ts';
import { initialize, testActivation, testBundle } from '../../packages/runtime/src/sandbox/test-bundle.ts';

const sandbox = await createWorkflowSandbox(
  testBundle({
    onJob: `if (job.kind === 'initialize') {
      const d = new Date(2026, 6, 4, 23, 30);
      emit({ kind: 'completeWorkflow', result: {
        text: d.toString(), local: d.toLocaleString(), date: d.toLocaleDateString(), time: d.toLocaleTimeString(),
        parts: [d.getHours(), d.getDate(), d.getTimezoneOffset()], parsed: Date.parse('2026-07-04T23:30:00'),
        legacy: new Date('July 4, 2026 23:30').getTime(), intl: new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'full' }).format(d),
        number: (1234.5).toLocaleString(), upper: 'i'.toLocaleUpperCase(), compare: ['a', 'B', 'ä'].sort((x, y) => x.localeCompare(y)),
        resolved: Intl.DateTimeFormat().resolvedOptions(), plural: new Intl.PluralRules().select(1),
      } });
    }`,
  }),
  { isolation: 'inline' },
);
const run = await sandbox.newRun('zone');
const completion = await run.activate(testActivation('zone', [initialize('zone')]));
await sandbox.dispose();
process.stdout.write(JSON.stringify(completion.commands[0]));
