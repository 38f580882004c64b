/**
 * `reprise replay` exit codes (all replay, nondeterminism, bad input, empty corpus), its JUnit report,
 * and worker-thread lanes in a real `reprise` process.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHistoryJsonl } from '../../packages/history-store/src/index.ts';
import { cli, expectWellFormed, ORDER, ORDER_CHANGED, orderCorpus, root } from './support.ts';

const FIXTURES = 'fixtures/histories/order';
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'reprise-replay-cli-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('reprise replay', () => {
  it('exit 0 when every history replays, with a table per workflow type', async () => {
    const r = await cli('replay', '--workflows', ORDER, FIXTURES);
    expect(r.stderr).toBe('');
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/WORKFLOW TYPE\s+HISTORIES\s+EVENTS\s+OK\s+FAILED\s+TIME/);
    expect(r.stdout).toMatch(/orderWorkflow\s+6\s+\d+\s+6\s+0/);
    expect(r.stdout).toMatch(/^OK: all 6 histories replay against .*order\.ts/m);
  });

  it('exit 1 on nondeterminism, printing each diff, and a well-formed JUnit report', async () => {
    const junit = join(scratch, 'replay.xml');
    const r = await cli('replay', '--workflows', ORDER_CHANGED, FIXTURES, '--junit', junit);
    expect(r.exit).toBe(1);
    const diffs = r.stdout.match(/^--- fixtures\/histories\/order\/\S+\.json \(nondeterminism\)$/gm) ?? [];
    // Out of stock ends before the sleep; card declined fails before it: both still replay.
    expect(diffs).toHaveLength(4);
    expect(r.stdout).toContain("- history: 17 TimerStarted '1' (duration 1h)");
    expect(r.stdout).toMatch(/order-changed\.ts:\d+/);
    expect(r.stdout).toMatch(/^FAILED: 4 nondeterministic; 2 of 6 histories replay/m);
    const xml = await readFile(junit, 'utf8');
    expectWellFormed(xml);
    expect(xml).toContain('<testsuites name="reprise replay" tests="6" failures="4">');
    expect(xml.match(/<failure type="NONDETERMINISM"/g)).toHaveLength(4);
  });

  it('exit 2 on a malformed history, naming the file and the event id; the others still replay', async () => {
    const dir = join(scratch, 'malformed');
    await mkdir(dir, { recursive: true });
    const good = await readFile(join(root, FIXTURES, 'approved.json'), 'utf8');
    await writeFile(join(dir, 'a-good.json'), good);
    await writeFile(
      join(dir, 'b-bad.json'),
      good.replace('"activityType": "chargePayment"', '"activityType": 7'),
    );
    const r = await cli('replay', '--workflows', ORDER, dir);
    expect(r.exit).toBe(2);
    expect(r.stdout).toMatch(
      /b-bad\.json: event \d+: ActivityTaskScheduled\.activityType: expected a non-empty string/,
    );
    expect(r.stdout).toMatch(/orderWorkflow\s+1\s+\d+\s+1\s+0/);
    expect(r.stdout).toContain('1 unreadable or invalid');
  });

  it('exit 2 on bad flags and on code that does not compile', async () => {
    expect((await cli('replay', FIXTURES)).exit).toBe(2);
    expect((await cli('replay', '--workflows', ORDER)).exit).toBe(2);
    expect((await cli('replay', '--workflows', ORDER, FIXTURES, '--query', 'type=x')).exit).toBe(2);
    const badKey = await cli(
      'replay',
      '--workflows',
      ORDER,
      '--db',
      join(scratch, 'db'),
      '--query',
      'colour=red',
    );
    expect(badKey.exit).toBe(2);
    expect(badKey.stderr).toContain("unknown key 'colour'");
    const badStatus = await cli(
      'replay',
      '--workflows',
      ORDER,
      '--db',
      join(scratch, 'db'),
      '--query',
      'status=done',
    );
    expect(badStatus.stderr).toContain("unknown status 'done'");
    expect((await cli('replay', '--workflows', ORDER, FIXTURES, '--nope')).exit).toBe(2);
    const missing = await cli('replay', '--workflows', join(scratch, 'missing.ts'), FIXTURES);
    expect(missing.exit).toBe(2);
    expect(missing.stderr).toContain('cannot compile');
  });

  it('an empty corpus fails (exit 2) unless --allow-empty', async () => {
    const empty = join(scratch, 'empty');
    await mkdir(empty, { recursive: true });
    const r = await cli('replay', '--workflows', ORDER, empty);
    expect(r.exit).toBe(2);
    expect(r.stderr).toContain('no histories to replay');
    expect((await cli('replay', '--workflows', ORDER, empty, '--allow-empty')).exit).toBe(0);
  });

  it('replays a JSONL corpus on two lanes in a reprise process, locating every divergence', async () => {
    const corpus = await orderCorpus(400);
    const file = join(scratch, 'corpus.jsonl');
    await writeHistoryJsonl(file, corpus);
    const junit = join(scratch, 'lanes.xml');
    const run = promisify(execFile);
    const args = [
      '--no-node-snapshot',
      'packages/cli/src/main.ts',
      'replay',
      '--workflows',
      ORDER_CHANGED,
      file,
    ];
    const failed = await run(process.execPath, [...args, '--concurrency', '2', '--junit', junit], {
      cwd: root,
    }).then(
      () => undefined,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(
      /FAILED: 360 nondeterministic; 40 of 400 histories replay .* on 2 lanes\./,
    );
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/message="NONDETERMINISM at event 17 at [^"]*order-changed\.ts:\d+"/g)).toHaveLength(
      100,
    );
    const ok = await run(process.execPath, [...args.slice(0, 4), ORDER, file, '--concurrency', '2'], {
      cwd: root,
    });
    expect(ok.stdout).toMatch(/OK: all 400 histories replay .* on 2 lanes\./);
  });
});
