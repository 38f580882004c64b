import { describe, expect, it } from 'vitest';
import { notifyPayloads, topicsOf } from './notify.ts';

describe('NOTIFY payloads', () => {
  it('sends one topic as itself and several as one JSON array, and reads both back', () => {
    expect(notifyPayloads([])).toEqual([]);
    expect(notifyPayloads(['q:wf'])).toEqual(['q:wf']);
    const many = ['q:wf', 'r:order-"1"\n', 'x:abc'];
    const payloads = notifyPayloads(many);
    expect(payloads).toHaveLength(1);
    expect(payloads.flatMap(topicsOf)).toEqual(many);
    expect(topicsOf('q:wf')).toEqual(['q:wf']);
    expect(topicsOf('[not json')).toEqual(['[not json']);
  });

  it('splits long topic lists under the 8000-byte payload limit, losing none', () => {
    const topics = Array.from({ length: 500 }, (_, i) => `r:workflow-${i}-${'x'.repeat(40)}`);
    const payloads = notifyPayloads(topics);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    expect(payloads.flatMap(topicsOf)).toEqual(topics);
  });
});
