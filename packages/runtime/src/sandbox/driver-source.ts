/**
 * Source of the driver the host evaluates in each new context before the bundle. It captures the
 * intrinsics it uses before any bundle code runs, keeps the run instances in a closure no workflow
 * code can reach (nothing of it is put on `globalThis`), turns thrown values into plain records
 * inside the deadline, and, once the bundle has loaded, locks the context down:
 *
 * - the global object and every object reachable from it are frozen, so one run cannot leave state
 *   (or a patched prototype) for the next run in the same context;
 * - the run-environment slot is sealed: only its `current` field can change;
 * - commonly overridden data properties of intrinsics (`toString`, `constructor`, `name`, …) become
 *   accessors whose setter defines an own property on the assigned object, so ordinary code such as
 *   `MyError.prototype.name = 'MyError'` keeps working despite the frozen prototypes.
 *
 * Plain JavaScript on purpose: it is evaluated as text, so no compile step may add helpers to it.
 */
export const DRIVER_SOURCE = `(function () {
  'use strict';
  const G = globalThis;
  const apply = Reflect.apply;
  const ownKeys = Reflect.ownKeys;
  const { freeze, seal, getOwnPropertyDescriptor, defineProperty, getPrototypeOf, hasOwn } = Object;
  const StringCtor = String;
  const TypeErrorCtor = TypeError;
  const ArrayCtor = Array;
  const runs = new Map();
  const mapGet = Map.prototype.get, mapSet = Map.prototype.set, mapDelete = Map.prototype.delete;
  const setHas = Set.prototype.has, setAdd = Set.prototype.add;
  const arrayPush = Array.prototype.push, arrayPop = Array.prototype.pop;
  const OVERRIDABLE = ['constructor', 'toString', 'toLocaleString', 'valueOf', 'toJSON', 'name', 'message'];
  let bundle;

  function describe(thrown) {
    try {
      if ((typeof thrown === 'object' || typeof thrown === 'function') && thrown !== null) {
        const name = thrown.name, message = thrown.message, code = thrown.code, stack = thrown.stack;
        return {
          name: typeof name === 'string' ? name : 'Error',
          message: typeof message === 'string' ? message : StringCtor(message),
          code: typeof code === 'string' ? code : '',
          stack: typeof stack === 'string' ? stack : '',
        };
      }
      return { name: 'Error', message: 'a non-error value was thrown: ' + StringCtor(thrown), code: '', stack: '' };
    } catch (inner) {
      return { name: 'Error', message: 'a thrown value could not be described', code: '', stack: '' };
    }
  }

  function tame(object, key) {
    const desc = getOwnPropertyDescriptor(object, key);
    if (desc === undefined || !hasOwn(desc, 'value') || !desc.writable || !desc.configurable) return;
    const value = desc.value;
    // Methods (no prototype object), frozen: the accessors are reachable from every run.
    const accessors = {
      get() { return value; },
      set(next) {
        if (this === object) throw new TypeErrorCtor("Cannot assign to read only property '" + StringCtor(key) + "' of a frozen built-in");
        if (hasOwn(this, key)) this[key] = next;
        else defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
    };
    defineProperty(object, key, {
      get: freeze(accessors.get),
      set: freeze(accessors.set),
      enumerable: desc.enumerable,
      configurable: false,
    });
  }

  function lockdown(envSlot) {
    const seen = new Set();
    const queue = [G];
    let frozen = 0;
    while (queue.length > 0) {
      const item = apply(arrayPop, queue, []);
      if ((typeof item !== 'object' && typeof item !== 'function') || item === null) continue;
      if (apply(setHas, seen, [item])) continue;
      apply(setAdd, seen, [item]);
      apply(arrayPush, queue, [getPrototypeOf(item)]);
      for (const key of ownKeys(item)) {
        const desc = getOwnPropertyDescriptor(item, key);
        if (desc === undefined) continue;
        if (hasOwn(desc, 'value')) apply(arrayPush, queue, [desc.value]);
        else apply(arrayPush, queue, [desc.get, desc.set]);
      }
    }
    const proto = Object.prototype;
    for (const key of ownKeys(proto)) tame(proto, key);
    for (const item of seen) {
      if (item === envSlot) continue;
      if (item !== proto && item !== G) for (const key of OVERRIDABLE) tame(item, key);
    }
    for (const item of seen) {
      if (item === envSlot) continue;
      freeze(item);
      frozen++;
    }
    seal(envSlot);
    return frozen;
  }

  function init(envName, bundleName) {
    bundle = G[bundleName];
    if ((typeof bundle !== 'object' && typeof bundle !== 'function') || bundle === null) {
      throw new TypeErrorCtor('the bundle did not define globalThis.' + bundleName);
    }
    if (typeof bundle.instantiate !== 'function' || typeof bundle.workflowTypes !== 'function') {
      throw new TypeErrorCtor('globalThis.' + bundleName + ' lacks instantiate() or workflowTypes()');
    }
    const envSlot = G[envName];
    if (typeof envSlot !== 'object' || envSlot === null) {
      throw new TypeErrorCtor('the bundle did not define globalThis.' + envName + ' (is the sandbox prelude missing?)');
    }
    const raw = bundle.workflowTypes();
    const types = [];
    if (!ArrayCtor.isArray(raw)) throw new TypeErrorCtor('workflowTypes() did not return an array');
    for (let i = 0; i < raw.length; i++) {
      if (typeof raw[i] !== 'string') throw new TypeErrorCtor('workflowTypes() returned a non-string');
      apply(arrayPush, types, [raw[i]]);
    }
    const frozen = lockdown(envSlot);
    return { types: types, frozen: frozen, buildId: typeof bundle.buildId === 'string' ? bundle.buildId : '' };
  }

  function activate(runId, activation, fresh) {
    try {
      let instance;
      if (fresh) {
        instance = bundle.instantiate();
        apply(mapSet, runs, [runId, instance]);
      } else {
        instance = apply(mapGet, runs, [runId]);
      }
      instance.activate(activation);
      return undefined;
    } catch (thrown) {
      apply(mapDelete, runs, [runId]);
      return describe(thrown);
    }
  }

  function conclude(runId) {
    try {
      const instance = apply(mapGet, runs, [runId]);
      const completion = instance.conclude();
      return completion === undefined ? [2] : [0, completion];
    } catch (thrown) {
      apply(mapDelete, runs, [runId]);
      return [1, describe(thrown)];
    }
  }

  function drop(runId) {
    apply(mapDelete, runs, [runId]);
  }

  // isolated-vm throws a promise rejection that is still unhandled after a call's microtask
  // checkpoint out of that call, after the call returned, and drops what it returned. Workflow code
  // may rightly handle such a rejection later, so the host takes the answer back with recall().
  let kept = false;
  let keptAnswer;
  function keeping(call) {
    return function (a, b, c) {
      kept = false;
      keptAnswer = undefined;
      const answer = call(a, b, c);
      kept = true;
      keptAnswer = answer;
      return answer;
    };
  }
  function recall() {
    const out = kept ? [1, keptAnswer] : [0];
    kept = false;
    keptAnswer = undefined;
    return out;
  }

  return { init: init, activate: keeping(activate), conclude: keeping(conclude), drop: drop, recall: recall };
})()`;
