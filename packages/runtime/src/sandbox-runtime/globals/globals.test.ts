/**
 * The pure-JS web globals inside the sandbox, checked against Node's own implementations of the
 * same standards on the same inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowSandbox, type WorkflowSandbox } from '../../sandbox/index.ts';
import { initialize, signal, testActivation, testBundle } from '../../sandbox/test-bundle.ts';

let sandbox: WorkflowSandbox;
let runs = 0;

beforeAll(async () => {
  sandbox = await createWorkflowSandbox(
    testBundle({
      setup: `
        const probes = {
          url: ([input, base]) => { try { const u = new URL(input, base); return [u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash]; } catch (e) { return e.name; } },
          params: ([init]) => { const p = new URLSearchParams(init); p.append('added', 'a b&c'); p.sort(); return [p.toString(), [...p], p.get('a'), p.size]; },
          editUrl: ([input]) => { const u = new URL(input); u.searchParams.set('q', 'x y'); u.hash = 'frag ment'; u.pathname = '/a/../b c'; u.port = '8080'; return u.href; },
          encode: ([text]) => [...new TextEncoder().encode(text)],
          decode: ([bytes, fatal]) => { try { return new TextDecoder('utf-8', { fatal }).decode(new Uint8Array(bytes)); } catch (e) { return e.name; } },
          decodeStream: ([chunks]) => { const d = new TextDecoder(); return chunks.map((c, i) => d.decode(new Uint8Array(c), { stream: i < chunks.length - 1 })).join(''); },
          clone: ([value]) => { const c = structuredClone(value); return [c, c !== value]; },
          cloneError: () => { const e = structuredClone(new RangeError('r', { cause: 1 })); return [e instanceof RangeError, e.message, e.cause]; },
          cloneCycle: () => { const o = { m: new Map() }; o.self = o; o.m.set('o', o); const c = structuredClone(o); return [c.self === c, c.m.get('o') === c, c !== o]; },
          cloneFunction: () => { try { structuredClone({ f() {} }); return 'cloned'; } catch (e) { return e.name; } },
          parse: ([text]) => Date.parse(text),
          dateParts: ([args]) => { const d = new Date(...args); return [d.getTime(), d.getHours(), d.getDate(), d.toString(), d.toDateString(), d.toTimeString()]; },
          timeout: () => clearTimeout(setTimeout(() => {}, 5)),
        };`,
      onJob: `if (job.kind === 'signal') emit({ kind: 'completeWorkflow', result: probes[job.name](job.args) });`,
    }),
    { isolation: 'inline' },
  );
});
afterAll(() => sandbox.dispose());

async function probe(name: string, ...args: unknown[]): Promise<unknown> {
  const runId = `g${runs++}`;
  const run = await sandbox.newRun(runId);
  const completion = await run.activate(testActivation(runId, [initialize(runId), signal(name, ...args)]));
  if (completion.taskFailure !== undefined) throw new Error(completion.taskFailure.message);
  return (completion.commands.at(-1) as { result: unknown }).result;
}

const nodeUrl = (input: string, base?: string): unknown => {
  try {
    const u = new URL(input, base);
    return [
      u.href,
      u.origin,
      u.protocol,
      u.username,
      u.password,
      u.host,
      u.hostname,
      u.port,
      u.pathname,
      u.search,
      u.hash,
    ];
  } catch (e) {
    return (e as Error).name;
  }
};

describe('URL', () => {
  it.each([
    ['https://user:pa ss@Example.COM:443/a/./b/../c d?x=1 2&y=é#frag ment'],
    ['http://example.com:8080'],
    ['HTTP://EXAMPLE.com/%7Efoo/'],
    ['http://192.168.0.1.'],
    ['http://0x7f.1/'],
    ['http://[2001:db8:0:0:0:0:0:1]:80/x'],
    ['http://[::ffff:1.2.3.4]/'],
    ['http://bücher.example/straße'],
    ['mailto:someone@example.com?subject=hi there'],
    ['file:///C:/path/to/file.txt'],
    ['foo://host/path?q#h'],
    ['http:\\\\example.com\\a\\b'],
    ['not a url'],
    ['http://exa mple.com'],
    ['http://example.com:99999'],
    ['../d/e?q', 'http://h/a/b/c'],
    ['?only', 'http://h/a/b?old#x'],
    ['#only', 'http://h/a/b?old#x'],
    ['//other.host/p', 'https://h/a'],
    ['/abs/./x/../y', 'http://h/a/b'],
    ['http:rel', 'http://h/a/b'],
    ['', 'http://h/a/b?q#f'],
  ])('parses %j like Node', async (input, base?: string) => {
    expect(await probe('url', input, base)).toEqual(nodeUrl(input, base));
  });

  it('keeps searchParams and the URL in step like Node', async () => {
    const input = 'https://h/p?b=2&a=1&a=3';
    const u = new URL(input);
    u.searchParams.set('q', 'x y');
    u.hash = 'frag ment';
    u.pathname = '/a/../b c';
    u.port = '8080';
    expect(await probe('editUrl', input)).toBe(u.href);
  });

  it.each([['?b=2&a=1&a=%20x+y'], ['c=%E2%82%AC&c=&d']])('URLSearchParams %j like Node', async (init) => {
    const p = new URLSearchParams(init);
    p.append('added', 'a b&c');
    p.sort();
    expect(await probe('params', init)).toEqual([p.toString(), [...p], p.get('a'), p.size]);
  });
});

describe('TextEncoder / TextDecoder', () => {
  it.each([['plain ascii'], ['é€😀'], ['lone \ud800 surrogate'], ['']])(
    'encodes %j like Node',
    async (text) => {
      expect(await probe('encode', text)).toEqual([...new TextEncoder().encode(text)]);
    },
  );

  it.each([
    [[0xef, 0xbb, 0xbf, 0x68, 0x69], false],
    [[0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], false],
    [[0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80, 0xe2, 0x82], false],
    [[0xc3, 0x28], true],
  ])('decodes %j like Node', async (bytes, fatal) => {
    let expected: string;
    try {
      expected = new TextDecoder('utf-8', { fatal }).decode(new Uint8Array(bytes));
    } catch (e) {
      expected = (e as Error).name;
    }
    expect(await probe('decode', bytes, fatal)).toBe(expected);
  });

  it('decodes a stream split inside a character', async () => {
    expect(
      await probe('decodeStream', [
        [0xe2, 0x82],
        [0xac, 0xf0],
        [0x9f, 0x98, 0x80],
      ]),
    ).toBe('€😀');
  });
});

describe('structuredClone', () => {
  it('clones the structured types', async () => {
    const value = {
      d: new Date(3),
      m: new Map([[1, new Set([2])]]),
      r: /x/gi,
      u: new Uint16Array([1, 2]),
      b: 5n,
      n: [new Boolean(false)],
    };
    const [clone, distinct] = (await probe('clone', value)) as [typeof value, boolean];
    expect(distinct).toBe(true);
    expect(clone).toEqual(value);
  });

  it('clones errors', async () => {
    expect(await probe('cloneError')).toEqual([true, 'r', 1]);
  });

  it('keeps cycles and refuses functions', async () => {
    expect(await probe('cloneCycle')).toEqual([true, true, true]);
    expect(await probe('cloneFunction')).toBe('DataCloneError');
  });
});

describe('Date in UTC whatever the host zone', () => {
  it.each([
    ['2026-03-04T05:06:07', Date.UTC(2026, 2, 4, 5, 6, 7)],
    ['2026-03-04', Date.UTC(2026, 2, 4)],
    ['2026-03-04T05:06:07+02:00', Date.UTC(2026, 2, 4, 3, 6, 7)],
    ['Mar 4 2026 05:06:07', Date.UTC(2026, 2, 4, 5, 6, 7)],
    ['Wed, 04 Mar 2026 05:06:07 GMT', Date.UTC(2026, 2, 4, 5, 6, 7)],
    ['nonsense', Number.NaN],
  ])('parses %j as UTC', async (text, expected) => {
    expect(await probe('parse', text)).toBe(expected);
  });

  it('builds local-time dates in UTC', async () => {
    expect(await probe('dateParts', [2026, 2, 4, 5, 6, 7])).toEqual([
      Date.UTC(2026, 2, 4, 5, 6, 7),
      5,
      4,
      'Wed Mar 04 2026 05:06:07 GMT+0000 (Coordinated Universal Time)',
      'Wed Mar 04 2026',
      '05:06:07 GMT+0000 (Coordinated Universal Time)',
    ]);
  });

  it('clears a durable timer', async () => {
    const runId = 'timer';
    const run = await sandbox.newRun(runId);
    const completion = await run.activate(testActivation(runId, [initialize(runId), signal('timeout')]));
    expect(completion.commands.slice(0, 2)).toEqual([
      { kind: 'startTimer', seq: 1, durationMs: 5 },
      { kind: 'cancelTimer', seq: 1 },
    ]);
  });
});
