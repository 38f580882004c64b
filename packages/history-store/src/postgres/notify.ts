/**
 * NOTIFY payloads. A transaction sends one notification whatever it woke: a single topic as itself
 * (what every listener understands), several as a JSON array. Each pg_notify call is a statement and
 * commits with notifications queue on one global lock, so one call per transaction keeps group
 * commits cheap. Topics start with `q:`, `r:` or `x:`, never `[`, so the two forms cannot be confused.
 * Payloads are at most 8000 bytes: longer topic lists are split.
 */

const MAX_PAYLOAD = 7900;

/** The payloads announcing `topics`. */
export function notifyPayloads(topics: readonly string[]): string[] {
  if (topics.length <= 1) return [...topics];
  const out: string[] = [];
  let batch: string[] = [];
  let size = 2;
  for (const t of topics) {
    const len = Buffer.byteLength(JSON.stringify(t)) + 1;
    if (batch.length > 0 && size + len > MAX_PAYLOAD) {
      out.push(JSON.stringify(batch));
      batch = [];
      size = 2;
    }
    batch.push(t);
    size += len;
  }
  if (batch.length > 0) out.push(batch.length === 1 ? batch[0]! : JSON.stringify(batch));
  return out;
}

/** The topics of one payload (see {@link notifyPayloads}). */
export function topicsOf(payload: string): string[] {
  if (!payload.startsWith('[')) return [payload];
  try {
    const parsed: unknown = JSON.parse(payload);
    if (Array.isArray(parsed)) return parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    // Not ours: treat it as one topic, as an older listener would.
  }
  return [payload];
}
