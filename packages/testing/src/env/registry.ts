/**
 * The environment's activity implementations: one object the activity worker reads at each attempt,
 * so a test can swap implementations (mocks) without restarting workers.
 */
import type { ActivityImplementations } from '@reprise/runtime';
import { TestEnvironmentError } from './errors.ts';

/** Activity implementations by type, replaceable while the environment runs. */
export class ActivityRegistry {
  /** The object handed to the worker; mutated in place. */
  readonly implementations: ActivityImplementations = {};

  constructor(initial: ActivityImplementations) {
    this.#set(initial, 'activities');
  }

  get size(): number {
    return Object.keys(this.implementations).length;
  }

  /** Installs `overrides`; the returned function puts back what was there before (once). */
  override(overrides: ActivityImplementations): () => void {
    const previous = new Map<string, ActivityImplementations[string] | undefined>();
    for (const type of Object.keys(overrides)) previous.set(type, this.implementations[type]);
    this.#set(overrides, 'overrideActivities');
    let restored = false;
    return () => {
      if (restored) return;
      restored = true;
      for (const [type, impl] of previous) {
        if (impl) this.implementations[type] = impl;
        else delete this.implementations[type];
      }
    };
  }

  #set(impls: ActivityImplementations, where: string): void {
    if (typeof impls !== 'object' || impls === null)
      throw new TestEnvironmentError(`${where}: expected an object of activity functions by type name`);
    for (const [type, impl] of Object.entries(impls)) {
      if (typeof impl !== 'function')
        throw new TestEnvironmentError(
          `${where}: activity '${type}' is ${impl === null ? 'null' : typeof impl}, not a function`,
        );
      this.implementations[type] = impl;
    }
  }
}
