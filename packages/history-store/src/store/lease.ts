import { StaleLeaseError } from './errors.ts';
import type { TaskRecord } from './records.ts';
import type { Lease } from './types.ts';

/** Throws unless `row` still carries `lease` and it has not expired: the fence against stale holders. */
export function checkLease(row: TaskRecord | undefined, lease: Lease, now: number, what: string): TaskRecord {
  if (!row || row.lease?.token !== lease.token || row.lease.expiresAt <= now) throw new StaleLeaseError(what);
  return row;
}
