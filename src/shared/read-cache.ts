import type { Core } from '@strapi/strapi';
import { onChange } from './cluster';

/*
 * Small in-process caches for hot, shared reads (the published-content lists, search results). A cache is
 * emptied when a model it depends on changes, on this instance or another (src/shared/cluster.ts: lifecycles,
 * raw-SQL writers that report themselves, and Redis between instances), and an entry lives `ttlMs` at most in
 * any case. Values are stored as given: callers must not mutate what they get back.
 */
export interface ReadCache<T> {
  get(key: string): T | undefined;
  /** Stores a value computed from the state of `generation`; ignored if a write happened since. */
  set(key: string, value: T, generation: number): void;
  clear(): void;
  readonly generation: number;
  /** Computations under way, so concurrent misses of one key compute it once. */
  readonly inflight: Map<string, Promise<T>>;
}

interface Entry<T> {
  value: T;
  expires: number;
  generation: number;
}

const settings = { ttlMs: 30_000, maxEntries: 5_000 };

/** Called at register, before the instance has created any cache. */
export function configureReadCaches(options: { ttlMs?: number; maxEntries?: number }) {
  Object.assign(settings, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
}

const byInstance = new WeakMap<Core.Strapi, Map<string, ReadCache<unknown>>>();

/** The named cache of this Strapi instance (a restarted instance gets fresh ones, subscribed to its own lifecycles). */
export function readCache<T>(strapi: Core.Strapi, name: string, models: string[]): ReadCache<T> {
  let named = byInstance.get(strapi);
  if (!named) byInstance.set(strapi, (named = new Map()));
  let cache = named.get(name) as ReadCache<T> | undefined;
  if (!cache) named.set(name, (cache = createReadCache<T>(strapi, models)));
  return cache;
}

function createReadCache<T>(strapi: Core.Strapi, models: string[]): ReadCache<T> {
  const entries = new Map<string, Entry<T>>();
  // Bumped by every write to a watched model; entries from an older generation are never served.
  let generation = 0;
  const inflight = new Map<string, Promise<T>>();
  const invalidate = () => {
    generation += 1;
    entries.clear();
    // A computation started before the write must not be joined by readers arriving after it.
    inflight.clear();
  };
  // Writes on this instance (at once and after commit) and on every other one (src/shared/cluster.ts).
  onChange(strapi, models, invalidate);
  const cache: ReadCache<T> = {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= Date.now() || entry.generation !== generation) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, computedAt) {
      if (settings.ttlMs <= 0 || computedAt !== generation) return;
      if (entries.size >= settings.maxEntries) entries.delete(entries.keys().next().value as string);
      // Jitter, so pages filled together do not all expire together.
      entries.set(key, { value, expires: Date.now() + settings.ttlMs * (0.8 + Math.random() * 0.2), generation });
    },
    clear: invalidate,
    get generation() {
      return generation;
    },
    inflight,
  };
  return cache;
}

/**
 * Reads through the cache. The generation is taken before the read: a write that lands while the value
 * is being computed makes it stale at once instead of caching the old state.
 */
export async function cached<T>(cache: ReadCache<T>, key: string, compute: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const generation = cache.generation;
  const running = cache.inflight.get(key);
  if (running) return running;
  const computing = compute().then((value) => {
    cache.set(key, value, generation);
    return value;
  });
  cache.inflight.set(key, computing);
  try {
    return await computing;
  } finally {
    if (cache.inflight.get(key) === computing) cache.inflight.delete(key);
  }
}
