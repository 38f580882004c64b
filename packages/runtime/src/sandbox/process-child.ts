/**
 * Entry point of the sandbox child process: hosts one bundle's isolate and serves batches of
 * activations from the parent over IPC. It holds no state worth saving; when it dies the parent
 * starts a new one and the runs it held are replayed by their owners.
 */

import { type ActivationResult, type ChildMessage, type HostMessage, toErrorRecord } from './ipc.ts';
import { IsolateHost } from './isolate-host.ts';

let host: IsolateHost | undefined;

const send = (message: ChildMessage): void => {
  process.send!(message);
};

process.on('message', (message: HostMessage) => {
  if (message.t === 'load') {
    host?.dispose();
    host = new IsolateHost(message, {
      memoryLimitMb: message.memoryLimitMb,
      activationTimeoutMs: message.activationTimeoutMs,
    });
    try {
      send({ t: 'loaded', workflowTypes: host.load().workflowTypes });
    } catch (error) {
      send({ t: 'loadFailed', error: toErrorRecord(error) });
    }
    return;
  }
  const current = host!;
  for (const runId of message.drops) current.drop(runId);
  const items: ActivationResult[] = [];
  for (const item of message.items) {
    try {
      items.push({ id: item.id, completion: current.activate(item.runId, item.activation, item.fresh) });
    } catch (error) {
      items.push({ id: item.id, error: toErrorRecord(error) });
    }
  }
  send({ t: 'results', items });
});

// The parent going away ends the sandbox too.
process.on('disconnect', () => process.exit(0));
