import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryFileError } from './errors.ts';
import {
  iterateHistoryFiles,
  listHistoryFiles,
  readHistoryFile,
  readHistoryFiles,
  writeHistoryFile,
} from './io.ts';
import { readHistoryJsonl, writeHistoryJsonl } from './jsonl.ts';
import { serializeHistory } from './serialize.ts';
import { orderHistory } from './testing/order-history.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reprise-history-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<HistoryFileError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HistoryFileError);
    return err as HistoryFileError;
  }
  throw new Error('expected a HistoryFileError');
}

describe('history files on disk', () => {
  it('writes and reads each format, choosing it from the extension', async () => {
    for (const name of ['a.json', 'a.msgpack', 'a.rhist', 'a.jsonl']) {
      const path = join(dir, 'single', name);
      await writeHistoryFile(path, orderHistory(3));
      const loaded = await readHistoryFile(path);
      expect(loaded.source).toBe(path);
      expect({ header: loaded.header, events: loaded.events }).toStrictEqual(orderHistory(3));
    }
    const raw = await readFile(join(dir, 'single', 'a.rhist'));
    expect(raw[0]).toBe(1);
    expect((await readFile(join(dir, 'single', 'a.json'), 'utf8')).startsWith('{\n')).toBe(true);
    expect(await readdir(join(dir, 'single'))).toHaveLength(4);
  });

  it('refuses an extension with no format unless told the format', async () => {
    await expect(writeHistoryFile(join(dir, 'x.txt'), orderHistory())).rejects.toThrow(
      /cannot tell the format/,
    );
    await writeHistoryFile(join(dir, 'x.txt'), orderHistory(), { format: 'msgpack' });
    expect((await readHistoryFile(join(dir, 'x.txt'))).header.workflowId).toBe('order-1');
  });

  it('reads folders recursively in sorted order, skipping other files', async () => {
    const root = join(dir, 'corpus');
    await writeHistoryFile(join(root, 'b', '2.json'), orderHistory(2));
    await writeHistoryFile(join(root, 'a.rhist'), orderHistory(1));
    await writeHistoryFile(join(root, 'b', '10.msgpack'), orderHistory(10));
    await writeHistoryJsonl(join(root, 'c.jsonl'), [orderHistory(4), orderHistory(5)]);
    await writeFile(join(root, 'README.md'), '# not a history\n');
    await mkdir(join(root, 'empty'));
    expect(await listHistoryFiles(root)).toStrictEqual(
      ['a.rhist', 'b/10.msgpack', 'b/2.json', 'c.jsonl'].map((p) => join(root, p)),
    );
    const loaded = await readHistoryFiles(root);
    expect(loaded.map((h) => h.header.workflowId)).toStrictEqual([
      'order-1',
      'order-10',
      'order-2',
      'order-4',
      'order-5',
    ]);
    expect(loaded.slice(3).map((h) => h.line)).toStrictEqual([1, 2]);
    const both = await readHistoryFiles([join(root, 'b', '2.json'), join(root, 'a.rhist')]);
    expect(both.map((h) => h.header.workflowId)).toStrictEqual(['order-2', 'order-1']);
    expect(await readHistoryFiles(join(root, 'empty'))).toStrictEqual([]);
  });

  it('names a missing path', async () => {
    const err = await rejection(readHistoryFiles(join(dir, 'nope')));
    expect(err.message).toBe(`${join(dir, 'nope')}: no such file or folder`);
    expect((await rejection(readHistoryFile(join(dir, 'nope.json')))).message).toMatch(
      /nope\.json: cannot read the file/,
    );
  });

  it('names the file, line and event of a bad history in a JSONL corpus', async () => {
    const path = join(dir, 'bad.jsonl');
    const broken = JSON.parse(serializeHistory(orderHistory(2), 'json')) as {
      events: { eventType: string }[];
    };
    broken.events[11]!.eventType = 'Nope';
    await writeFile(path, `${serializeHistory(orderHistory(1), 'jsonl')}\n${JSON.stringify(broken)}\n`);
    const seen: string[] = [];
    const err = await rejection(
      (async () => {
        for await (const h of iterateHistoryFiles(path)) seen.push(h.header.workflowId);
      })(),
    );
    expect(seen).toStrictEqual(['order-1']);
    expect(err.line).toBe(3);
    expect(err.eventId).toBe(12);
    expect(err.message).toBe(`${path}:3: event 12: unknown event type 'Nope' (events[11])`);
  });

  it('wants exactly one history when a JSONL file is read as one file', async () => {
    const path = join(dir, 'two.jsonl');
    await writeHistoryJsonl(path, [orderHistory(1), orderHistory(2)]);
    expect((await rejection(readHistoryFile(path))).message).toBe(
      `${path}: holds 2 histories, expected one; read JSONL corpora with readHistoryFiles`,
    );
  });

  it('streams JSONL from any readable stream and writes from async iterables', async () => {
    async function* histories() {
      for (let n = 1; n <= 3; n++) yield orderHistory(n);
    }
    const path = join(dir, 'streamed.jsonl');
    expect(await writeHistoryJsonl(path, histories())).toBe(3);
    const text = await readFile(path, 'utf8');
    const ids: string[] = [];
    for await (const h of readHistoryJsonl(Readable.from([text.slice(0, 100), text.slice(100)]), {
      source: 'pipe',
    })) {
      expect(h.source).toBe('pipe');
      ids.push(h.header.workflowId);
    }
    expect(ids).toStrictEqual(['order-1', 'order-2', 'order-3']);
  });

  it('leaves no file behind when a write fails', async () => {
    const bad = orderHistory(1);
    (bad.events[0] as unknown as { input: unknown[] }).input = [Symbol('no')];
    const path = join(dir, 'failed', 'h.json');
    await expect(writeHistoryFile(path, bad)).rejects.toThrow(HistoryFileError);
    async function* oneBad() {
      yield orderHistory(1);
      yield bad;
    }
    await expect(writeHistoryJsonl(join(dir, 'failed', 'c.jsonl'), oneBad())).rejects.toThrow(
      HistoryFileError,
    );
    expect(await readdir(join(dir, 'failed'))).toStrictEqual([]);
  });
});
