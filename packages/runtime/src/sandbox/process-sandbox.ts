/**
 * Isolation `'process'`: the isolates live in a supervised child process. A failure V8 cannot
 * survive (e.g. `new Array(1e9).fill(0)`) kills the child, not the worker; the child is restarted on
 * the next activation and the runs it held are reported lost so their owners replay them. A run that
 * was executing when the child died becomes a suspect: it is sent alone from then on, so the next
 * death is attributed exactly, and after `maxCrashAttempts` deaths it fails with SandboxCrashedError
 * instead of crash-looping. A successful activation clears the suspicion.
 */
import type { ChildProcess } from 'node:child_process';
import type { Activation } from '../protocol/activation.ts';
import type { Completion } from '../protocol/completion.ts';
import { forkSandboxChild, killSandboxChild, type SandboxChild, setChildIdle } from './child-process.ts';
import { SandboxRunLostError, WorkflowBundleError } from './errors.ts';
import { type ActivationRequest, type ActivationResult, fromErrorRecord } from './ipc.ts';
import { ProcessRuns } from './process-runs.ts';
import { RunHandle, type RunHost } from './run-handle.ts';
import type { SandboxOptions, SandboxRun, WorkflowSandbox } from './types.ts';

/** Grace on top of the CPU deadlines before the watchdog kills a child that stopped answering. */
const WATCHDOG_GRACE_MS = 2000;

interface Pending {
  request: ActivationRequest;
  resolve: (completion: Completion) => void;
  reject: (error: Error) => void;
}

/** A {@link WorkflowSandbox} whose isolates live in a supervised child process. */
export class ProcessSandbox implements WorkflowSandbox, RunHost {
  readonly buildId: string;
  readonly isolation = 'process' as const;
  readonly #bundle: { code: string; buildId: string };
  readonly #limits: { memoryLimitMb: number; activationTimeoutMs: number };
  readonly #maxAttempts: number;
  readonly #onRunsLost: SandboxOptions['onRunsLost'];
  readonly #runs: ProcessRuns;
  #child: SandboxChild | undefined;
  #types: string[] = [];
  #nextId = 1;
  #queue: Pending[] = [];
  #drops: string[] = [];
  readonly #inFlight = new Map<number, Pending>();
  #soloInFlight = false;
  #flushScheduled = false;
  #watchdog: NodeJS.Timeout | undefined;
  #loadCrashes = 0;
  #disposed = false;
  /** Restarts of the child so far (metrics, tests). */
  restarts = 0;

  constructor(
    bundle: { code: string; buildId: string },
    options: SandboxOptions,
    limits: { memoryLimitMb: number; activationTimeoutMs: number },
  ) {
    this.buildId = bundle.buildId;
    this.#bundle = bundle;
    this.#limits = limits;
    this.#maxAttempts = options.maxCrashAttempts ?? 3;
    this.#runs = new ProcessRuns(this.#maxAttempts);
    this.#onRunsLost = options.onRunsLost;
  }

  /** Process id of the current sandbox child, if one runs (operations, tests). */
  pid(): number | undefined {
    return this.#child?.process.pid;
  }

  /** Starts the child and loads the bundle; rejects with WorkflowBundleError. */
  async load(): Promise<this> {
    this.#types = await this.#start().ready;
    return this;
  }

  workflowTypes(): string[] {
    return [...this.#types];
  }

  async newRun(runId: string): Promise<SandboxRun> {
    if (this.#disposed) throw new SandboxRunLostError(runId, 'disposed', 'the sandbox was disposed');
    return new RunHandle(runId, this);
  }

  /** @internal */
  activateRun(runId: string, activation: Activation, fresh: boolean): Promise<Completion> {
    return new Promise<Completion>((resolve, reject) => {
      this.#queue.push({ request: { id: this.#nextId++, runId, fresh, activation }, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /** @internal */
  dropRun(runId: string): void {
    if (this.#runs.drop(runId)) this.#drops.push(runId);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const pending = [...this.#queue, ...this.#inFlight.values()];
    this.#queue = [];
    this.#inFlight.clear();
    for (const p of pending)
      p.reject(new SandboxRunLostError(p.request.runId, 'disposed', 'the sandbox was disposed'));
    const child = this.#child;
    this.#child = undefined;
    clearTimeout(this.#watchdog);
    if (child !== undefined) await killSandboxChild(child);
  }

  #start(): SandboxChild {
    const child = forkSandboxChild(
      { t: 'load', ...this.#bundle, ...this.#limits },
      {
        onResults: (items) => this.#onResults(items),
        onExit: (proc, exit) => this.#onExit(proc, exit),
        loadExitError: (exit) =>
          new WorkflowBundleError(
            this.buildId,
            `the sandbox process exited while loading the bundle (${exit})`,
          ),
      },
    );
    // Loaded and idle, the child must not keep the worker process alive on its own.
    child.ready.then(
      () => {
        if (this.#inFlight.size === 0 && this.#child === child) this.#setIdle(true);
      },
      () => {},
    );
    this.#child = child;
    return child;
  }

  #setIdle(idle: boolean): void {
    setChildIdle(this.#child?.process, idle);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#disposed || this.#soloInFlight || this.#queue.length === 0) return;
    const child = this.#child ?? this.#start();
    child.ready.then(
      () => this.#send(child),
      (error: Error) => {
        if (this.#child !== child) return; // died while loading: #onExit decides
        this.#child = undefined;
        const queued = this.#queue;
        this.#queue = [];
        for (const p of queued) p.reject(error);
      },
    );
  }

  #send(child: SandboxChild): void {
    if (this.#child !== child || this.#soloInFlight || this.#disposed) return;
    this.#loadCrashes = 0;
    const batch: Pending[] = [];
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      const { runId, fresh } = next.request;
      const admission = this.#runs.admit(runId, fresh);
      if (!admission.send) {
        this.#queue.shift();
        next.reject(admission.error);
        continue;
      }
      if (admission.suspect) {
        // A suspect goes alone, so that a crash is attributed to it and nobody else.
        if (batch.length > 0 || this.#inFlight.size > 0) break;
        this.#soloInFlight = true;
      }
      this.#queue.shift();
      this.#runs.sent(runId, fresh);
      batch.push(next);
      if (this.#soloInFlight) break;
    }
    if (batch.length === 0) return;
    for (const p of batch) this.#inFlight.set(p.request.id, p);
    const items = batch.map((p) => p.request);
    const drops = this.#drops;
    this.#drops = [];
    this.#setIdle(false);
    child.process.send({ t: 'batch', items, drops });
    this.#armWatchdog(child);
  }

  #armWatchdog(child: SandboxChild): void {
    clearTimeout(this.#watchdog);
    const budget = this.#limits.activationTimeoutMs * this.#inFlight.size + WATCHDOG_GRACE_MS;
    this.#watchdog = setTimeout(() => child.process.kill('SIGKILL'), budget);
    this.#watchdog.unref();
  }

  #onResults(items: ActivationResult[]): void {
    for (const item of items) {
      const pending = this.#inFlight.get(item.id);
      if (pending === undefined) continue;
      this.#inFlight.delete(item.id);
      const { runId } = pending.request;
      if ('completion' in item) {
        this.#runs.completed(runId, item.completion.taskFailure !== undefined);
        pending.resolve(item.completion);
        continue;
      }
      const error = fromErrorRecord(item.error);
      if (item.error.code === 'SANDBOX_MEMORY_LIMIT') {
        const lost = item.error.lostRunIds ?? [];
        this.#runs.failed(runId, lost);
        if (lost.length > 0) this.#onRunsLost?.(lost, 'memory');
      } else {
        this.#runs.failed(runId);
      }
      pending.reject(error);
    }
    if (this.#inFlight.size === 0) {
      this.#soloInFlight = false;
      clearTimeout(this.#watchdog);
      this.#setIdle(true);
    } else if (this.#child !== undefined) this.#armWatchdog(this.#child);
    this.#scheduleFlush();
  }

  #onExit(proc: ChildProcess, exit: string): void {
    if (this.#child?.process !== proc) return;
    this.#child = undefined;
    clearTimeout(this.#watchdog);
    if (this.#disposed) return;
    this.restarts++;
    const inFlight = [...this.#inFlight.values()];
    this.#inFlight.clear();
    this.#soloInFlight = false;
    const { errors, lost } = this.#runs.childDied(
      inFlight.map((p) => p.request.runId),
      exit,
    );
    for (let i = 0; i < inFlight.length; i++) inFlight[i]!.reject(errors[i]!);
    this.#drops = [];
    if (lost.length > 0) this.#onRunsLost?.(lost, 'crash');
    if (inFlight.length === 0 && ++this.#loadCrashes >= this.#maxAttempts) {
      const queued = this.#queue;
      this.#queue = [];
      for (const p of queued)
        p.reject(
          new WorkflowBundleError(
            this.buildId,
            `the sandbox process died ${this.#loadCrashes} times in a row (${exit})`,
          ),
        );
      return;
    }
    this.#scheduleFlush();
  }
}
