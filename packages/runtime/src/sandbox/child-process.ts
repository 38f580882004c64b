/**
 * The process sandbox's child process: forking it with the bundle, parking it while idle, and killing
 * it. What the child's messages and its death mean is the supervisor's business (process-sandbox.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { ActivationResult, HostMessage } from './ipc.ts';
import { type ChildMessage, fromErrorRecord } from './ipc.ts';

const CHILD_ENTRY = new URL('./process-child.ts', import.meta.url);

/** A forked child and the workflow types of its bundle, once loaded. */
export interface SandboxChild {
  process: ChildProcess;
  /** Rejects with the child's load error, or `onLoadExit`'s error when it exits first. */
  ready: Promise<string[]>;
}

/** What the supervisor hears from a child. */
export interface ChildListener {
  onResults(items: ActivationResult[]): void;
  /** The child exited; `exit` reads `signal SIGKILL` or `exit code 1`. */
  onExit(proc: ChildProcess, exit: string): void;
  /** The error `ready` rejects with when the child exits before its bundle loaded. */
  loadExitError(exit: string): Error;
}

/** Forks a child (UTC, structured-clone IPC) and sends it the bundle to load. */
export function forkSandboxChild(
  load: Extract<HostMessage, { t: 'load' }>,
  listener: ChildListener,
): SandboxChild {
  const proc = fork(CHILD_ENTRY, [], {
    execArgv: ['--no-node-snapshot'],
    env: { ...process.env, TZ: 'UTC' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<string[]>((resolve, reject) => {
    const onMessage = (message: ChildMessage): void => {
      if (message.t === 'loaded') resolve(message.workflowTypes);
      else if (message.t === 'loadFailed') reject(fromErrorRecord(message.error));
      else listener.onResults(message.items);
    };
    proc.on('message', onMessage);
    proc.once('exit', (code, signal) => {
      reject(listener.loadExitError(String(code ?? signal)));
      listener.onExit(proc, signal !== null ? `signal ${signal}` : `exit code ${code}`);
    });
  });
  proc.send(load);
  return { process: proc, ready };
}

/** An idle child must not keep the worker process alive on its own; a busy one must. */
export function setChildIdle(proc: ChildProcess | undefined, idle: boolean): void {
  const channel = proc?.channel as { ref?: () => void; unref?: () => void } | null | undefined;
  if (idle) {
    proc?.unref();
    channel?.unref?.();
  } else {
    proc?.ref();
    channel?.ref?.();
  }
}

/** Kills a child that is still running and waits for it to exit. */
export async function killSandboxChild(child: SandboxChild): Promise<void> {
  const proc = child.process;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.ref();
  proc.kill('SIGKILL');
  await exited;
}
