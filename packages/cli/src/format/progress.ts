/**
 * Progress output for long operations: on a terminal one line rewritten in place, elsewhere a line
 * at most every few seconds so logs stay readable.
 */
import type { CliIO } from '../command.ts';

/** A progress reporter: call `update` as often as you like, `done` once. */
export class Progress {
  readonly #io: CliIO;
  #last = 0;
  #lastText = '';
  readonly #everyMs: number;

  /** `everyMs`: the least time between two lines (default 100 ms on a terminal, 5 s elsewhere). */
  constructor(io: CliIO, everyMs?: number) {
    this.#io = io;
    this.#everyMs = everyMs ?? (io.isTTY ? 100 : 5000);
  }

  /** Shows `text` unless it is unchanged or the last line was shown less than `everyMs` ago. */
  update(text: string): void {
    const now = Date.now();
    if (text === this.#lastText || now - this.#last < this.#everyMs) return;
    this.#last = now;
    this.#lastText = text;
    if (this.#io.isTTY) this.#io.stdout(`\r\x1b[2K${text}`);
    else this.#io.stdout(`${text}\n`);
  }

  /** Ends the progress line with a final message. */
  done(text: string): void {
    if (this.#io.isTTY) this.#io.stdout(`\r\x1b[2K${text}\n`);
    else this.#io.stdout(`${text}\n`);
  }
}
