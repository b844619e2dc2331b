/**
 * `@peculiar/x509` 2.x registers its algorithm providers with `tsyringe`, which refuses to load unless a
 * Reflect-metadata polyfill (`reflect-metadata`, `core-js/full/reflect`) is installed first — and none is in this
 * workspace's dependencies. This is the smallest subset tsyringe and tslib call (`getMetadata`, `getOwnMetadata`,
 * `defineMetadata`, `hasMetadata`, `metadata`), installed only when absent so a real polyfill always wins.
 * Import `@cps-bridge/protocol/x509` instead of `@peculiar/x509` so this runs first (works in Node and in the
 * extension's service worker; no Node-only API).
 */

type Key = string | symbol | undefined;
type MetadataReflect = typeof Reflect & {
  getMetadata?: (k: unknown, target: object, prop?: string | symbol) => unknown;
  getOwnMetadata?: (k: unknown, target: object, prop?: string | symbol) => unknown;
  defineMetadata?: (k: unknown, value: unknown, target: object, prop?: string | symbol) => void;
  hasMetadata?: (k: unknown, target: object, prop?: string | symbol) => boolean;
  metadata?: (k: unknown, value: unknown) => (target: object, prop?: string | symbol) => void;
};

const R = Reflect as MetadataReflect;

if (typeof R.getMetadata !== "function") {
  const store = new WeakMap<object, Map<Key, Map<unknown, unknown>>>();
  const own = (target: object, prop: Key, create: boolean): Map<unknown, unknown> | undefined => {
    let byProp = store.get(target);
    if (!byProp) {
      if (!create) return undefined;
      byProp = new Map();
      store.set(target, byProp);
    }
    let byKey = byProp.get(prop);
    if (!byKey && create) {
      byKey = new Map();
      byProp.set(prop, byKey);
    }
    return byKey;
  };
  const find = (k: unknown, target: object, prop: Key): { found: boolean; value?: unknown } => {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t)) {
      const m = own(t, prop, false);
      if (m?.has(k)) return { found: true, value: m.get(k) };
    }
    return { found: false };
  };
  R.defineMetadata = (k, value, target, prop) => {
    own(target, prop, true)!.set(k, value);
  };
  R.getOwnMetadata = (k, target, prop) => own(target, prop, false)?.get(k);
  R.getMetadata = (k, target, prop) => find(k, target, prop).value;
  R.hasMetadata = (k, target, prop) => find(k, target, prop).found;
  R.metadata = (k, value) => (target, prop) => R.defineMetadata!(k, value, target, prop);
}

export {};
