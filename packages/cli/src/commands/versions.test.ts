/**
 * `reprise versions check` and `reprise versions report` on the worked migration in
 * fixtures/versioning/, through main() with buffer IO.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/io.ts';

const root = resolve(import.meta.dirname, '../../../..');
const v1 = 'fixtures/versioning/histories/v1';
const v2 = 'fixtures/versioning/histories/v2';
const code = (v: string) => `fixtures/versioning/${v}/order.ts`;

const cli = (...argv: string[]) => runCli(argv, root);

const scratch = await mkdtemp(join(tmpdir(), 'reprise-versions-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('reprise versions check', () => {
  it('v1 histories replay under v2 (old path)', async () => {
    const r = await cli('versions', 'check', '--workflows', code('v2'), v1);
    expect(r.stderr).toBe('');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('orderWorkflow: 5 replay, 0 fail');
    expect(r.stdout).toContain('OK: all 5 histories replay.');
  });

  it('v1 histories fail under v2-broken at the charge, naming the fraudCheck line', async () => {
    const r = await cli('versions', 'check', '--workflows', code('v2-broken'), v1);
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('orderWorkflow: 0 replay, 5 fail');
    expect(r.stdout).toContain('at event 11');
    expect(r.stdout).toContain("- history: 11 ActivityTaskScheduled 'chargePayment'");
    expect(r.stdout).toContain("+ code:    scheduleActivity 'fraudCheck'");
    // The `fraudCheck(...)` call in v2-broken/order.ts.
    const source = await readFile(join(root, code('v2-broken')), 'utf8');
    const line = source.split('\n').findIndex((l) => l.includes('await fraudCheck(')) + 1;
    expect(r.stdout).toMatch(new RegExp(`v2-broken/order\\.ts:${line}:\\d+`));
    expect(r.stdout).toContain('FAILED: 5 of 5 histories do not replay');
  });

  it('v2 histories replay under v3 and report the branch each takes', async () => {
    const r = await cli('versions', 'check', '--workflows', code('v3'), v2);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('orderWorkflow: 6 replay, 0 fail');
    expect(r.stdout).toMatch(/add-fraud-check: patched\s+6\s+0/);
    expect(r.stdout).toMatch(/ok {3}\S+fulfilled\.json \(closed; add-fraud-check=marker\)/);
  });

  it('v1 histories fail under v3 (no marker), as versions report predicts; JUnit report', async () => {
    const junit = join(scratch, 'v3.xml');
    const r = await cli('versions', 'check', '--workflows', code('v3'), v1, v2, '--junit', junit);
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('orderWorkflow: 6 replay, 5 fail');
    expect(r.stdout).toMatch(/add-fraud-check: old path\s+0\s+5/);
    expect(r.stdout).toMatch(/FAIL \S+open-cooling-off\.json \(open; add-fraud-check=none\)/);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<testsuite name="orderWorkflow" tests="11" failures="5">');
    expect(xml.match(/<failure type="NONDETERMINISM"/g)).toHaveLength(5);

    const report = await cli('versions', 'report', v1, v2);
    expect(report.exit).toBe(0);
    expect(report.stdout).toContain(
      "orderWorkflow add-fraud-check: still needed by 2 open runs and 3 retained closed runs: keep patched('add-fraud-check') and its old path",
    );
  });

  it('bad input exits 2 with a clear line', async () => {
    expect(await cli('versions', 'check', v1)).toMatchObject({
      exit: 2,
      stderr: expect.stringContaining('missing --workflows'),
    });
    const missing = await cli('versions', 'check', '--workflows', code('v2'), 'fixtures/versioning/nope');
    expect(missing.exit).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
    const empty = await cli('versions', 'check', '--workflows', code('v2'), scratch);
    expect(empty).toMatchObject({ exit: 2, stderr: expect.stringContaining('no histories to replay') });
  });
});

describe('reprise versions report', () => {
  it('over v1 and v2 histories: the old path is still needed', async () => {
    const r = await cli('versions', 'report', 'fixtures/versioning/histories');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('11 histories: 4 open, 7 retained closed');
    expect(r.stdout).toMatch(
      /orderWorkflow\s+patch\s+add-fraud-check\s+old path \(no marker\)\s+2\s+3\s+still needed by 2 open runs and 3 retained closed runs/,
    );
    expect(r.stdout).toMatch(/patched\(\) marker\s+2\s+4/);
  });

  it('over v2 histories only: safe to deprecate', async () => {
    const r = await cli('versions', 'report', v2);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(
      "orderWorkflow add-fraud-check: safe to deprecate: every open and retained run has the marker; replace patched('add-fraud-check') with deprecatePatch('add-fraud-check') and delete the old path",
    );
  });

  it('--json gives the analysis as data', async () => {
    const r = await cli('versions', 'report', v2, '--json');
    const report = JSON.parse(r.stdout);
    expect(report.usages[0]).toMatchObject({
      api: 'patch',
      id: 'add-fraud-check',
      verdict: 'safe-to-deprecate',
    });
  });

  it('files and --db together are a usage error', async () => {
    const r = await cli('versions', 'report', v2, '--db', 'postgres://x@127.0.0.1/none');
    expect(r.exit).toBe(2);
  });
});
