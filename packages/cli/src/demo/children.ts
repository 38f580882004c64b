/** Starting and talking to the demo's worker processes. */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { ChildConfig, FromChild, ToChild } from './protocol.ts';

const CHILD = join(import.meta.dirname, 'child.ts');

/** A worker child process and its messages. */
export class WorkerChild {
  /** The name the demo prints for this worker, e.g. `A`. */
  readonly name: string;
  readonly proc: ChildProcess;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #listeners = new Set<(msg: FromChild) => void>();
  #stderr = '';

  /** Forks the worker process with `config`; `onMessage` sees every message it sends. */
  constructor(name: string, config: ChildConfig, onMessage: (msg: FromChild) => void) {
    this.name = name;
    this.proc = fork(CHILD, [JSON.stringify(config)], {
      execArgv: ['--no-node-snapshot'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4000);
    });
    this.proc.on('message', (msg: FromChild) => {
      onMessage(msg);
      for (const l of this.#listeners) l(msg);
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The process id, or -1 if the fork failed. */
  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** The last lines the child wrote to stderr (for error reports). */
  get stderrTail(): string {
    return this.#stderr;
  }

  /** Sends a message over the IPC channel. */
  send(msg: ToChild): void {
    this.proc.send(msg);
  }

  /** Resolves with the first message matching `pred`; rejects if the child exits first or after `timeoutMs`. */
  next<T extends FromChild>(pred: (m: FromChild) => m is T, what: string, timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`${this.name}: no '${what}' within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const l = (m: FromChild) => {
        if (m.type === 'failed') done(new Error(`${this.name} failed: ${m.message}`));
        else if (pred(m)) done(undefined, m);
      };
      const onExit = () =>
        done(new Error(`${this.name} exited while waiting for '${what}'\n${this.#stderr}`));
      const done = (err?: Error, value?: T) => {
        clearTimeout(timer);
        this.#listeners.delete(l);
        this.proc.off('exit', onExit);
        if (err) reject(err);
        else resolve(value as T);
      };
      this.#listeners.add(l);
      this.proc.on('exit', onExit);
    });
  }

  /** Sends `signal` to the process (the demo uses SIGKILL to crash a worker mid-activity). */
  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }
}

/** Narrowing helper: `is('ready')` matches messages of that type. */
export function is<K extends FromChild['type']>(type: K) {
  return (m: FromChild): m is Extract<FromChild, { type: K }> => m.type === type;
}
