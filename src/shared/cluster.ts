import type { Core } from '@strapi/strapi';
import { randomBytes } from 'crypto';
import Redis from 'ioredis';

/*
 * Several instances behind one load balancer share one database and, through `REDIS_URL`, one Redis. This
 * module is the only place that knows about the other instances:
 *
 * - **Changes.** Every committed write to a model — through the Document Service, the admin panel or
 *   db.query (lifecycles see them all), or raw SQL whose caller reports it with `changed()` — runs this
 *   instance's listeners (read caches, sign-in cache, media verdicts) at once and again after commit, and is
 *   published on one Redis channel so every other instance runs its listeners for the same models.
 *   Writes are coalesced per tick: a bulk import sends one message, not one per row.
 * - **Redis** for the shared rate limits (src/shared/rate-limits.ts) and job locks (`runExclusive`).
 *
 * Without `REDIS_URL` (one instance, the SQLite default) nothing is published and no connection is made.
 * If the subscription drops, every local cache is emptied when it comes back (messages sent meanwhile are
 * lost); the caches' own TTLs bound staleness in any case.
 */

type Listener = { models: Set<string> | null; run: () => void };

interface ClusterState {
  instanceId: string;
  prefix: string;
  channel: string;
  /** Commands (publish, rate limits, locks); fails fast instead of queueing while Redis is away. */
  redis: Redis | null;
  subscriber: Redis | null;
  listeners: Listener[];
  pending: Set<string> | null;
  flushScheduled: boolean;
  /** Jobs this instance is running (the lock when there is no Redis: one instance). */
  runningJobs: Set<string>;
}

/** Kept on the Strapi instance itself (under a registered symbol), so every copy of this module finds it. */
const STATE = Symbol.for('xinyu.cluster');
type WithState = Core.Strapi & { [STATE]?: ClusterState };
const states = {
  get: (strapi: Core.Strapi) => (strapi as WithState)[STATE],
  set: (strapi: Core.Strapi, state: ClusterState) => void ((strapi as WithState)[STATE] = state),
};

interface ClusterConfig {
  redisUrl?: string;
  redisPrefix?: string;
}

function stateOf(strapi: Core.Strapi): ClusterState {
  let state = states.get(strapi);
  if (!state) {
    const config = (strapi.config.get('cluster', {}) ?? {}) as ClusterConfig;
    const prefix = config.redisPrefix || 'xinyu:';
    state = {
      instanceId: randomBytes(8).toString('hex'),
      prefix,
      channel: `${prefix}changes`,
      redis: null,
      subscriber: null,
      listeners: [],
      pending: null,
      flushScheduled: false,
      runningJobs: new Set(),
    };
    states.set(strapi, state);
  }
  return state;
}

/** Register: connects to Redis when configured and follows every write this instance makes. */
export async function startCluster(strapi: Core.Strapi) {
  const state = stateOf(strapi);
  const { redisUrl } = (strapi.config.get('cluster', {}) ?? {}) as ClusterConfig;
  if (redisUrl && !state.redis) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectionName: `xinyu-${state.instanceId}` };
    state.redis = new Redis(redisUrl, options);
    state.subscriber = new Redis(redisUrl, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
    for (const connection of [state.redis, state.subscriber]) {
      connection.on('error', (error: Error) => strapi.log.warn(`Redis: ${error.message}`));
    }
    await Promise.all([state.redis.connect(), state.subscriber.connect()]);
    state.subscriber.on('message', (_channel: string, message: string) => receive(state, message));
    await state.subscriber.subscribe(state.channel);
    // Attached after the first connection: a later 'ready' is a reconnection (ioredis resubscribes by itself),
    // and whatever was published meanwhile is lost, so nothing cached may be trusted.
    state.subscriber.on('ready', () => notifyLocal(state, null));
  }
  strapi.db.lifecycles.subscribe(async (event: { action: string; model: { uid: string } }) => {
    if (WRITE_ACTIONS.has(event.action)) await changed(strapi, [event.model.uid]);
  });
}

const WRITE_ACTIONS = new Set(['afterCreate', 'afterCreateMany', 'afterUpdate', 'afterUpdateMany', 'afterDelete', 'afterDeleteMany']);

export async function stopCluster(strapi: Core.Strapi) {
  const state = states.get(strapi);
  if (!state) return;
  flush(state);
  const connections = [state.subscriber, state.redis].filter((c): c is Redis => c !== null);
  state.redis = state.subscriber = null;
  await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
}

/** The command connection, or null without `REDIS_URL`. */
export function redisOf(strapi: Core.Strapi): { redis: Redis; prefix: string } | null {
  const state = states.get(strapi);
  return state?.redis ? { redis: state.redis, prefix: state.prefix } : null;
}

/** Runs `run` whenever one of `models` (every model for '*') changes, on this instance or another. */
export function onChange(strapi: Core.Strapi, models: readonly string[] | '*', run: () => void) {
  stateOf(strapi).listeners.push({ models: models === '*' ? null : new Set(models), run });
}

/**
 * Rows of these models changed. Listeners here run now and again once the surrounding transaction commits
 * (a read between the two would see the old rows); other instances are told after the commit.
 * Raw-SQL writers (imports, counters, index rebuilds) call this themselves; lifecycles cover the rest.
 */
export async function changed(strapi: Core.Strapi, models: readonly string[]) {
  const state = states.get(strapi);
  if (!state) return;
  notifyLocal(state, models);
  const afterCommit = () => {
    notifyLocal(state, models);
    queuePublish(state, models);
  };
  if (strapi.db.inTransaction()) {
    await strapi.db.transaction(async ({ onCommit }) => {
      onCommit(afterCommit);
    });
  } else {
    queuePublish(state, models);
  }
}

function notifyLocal(state: ClusterState, models: readonly string[] | null) {
  for (const listener of state.listeners) {
    if (models === null || listener.models === null || models.some((m) => listener.models!.has(m))) listener.run();
  }
}

function queuePublish(state: ClusterState, models: readonly string[]) {
  if (!state.redis) return;
  state.pending ??= new Set();
  for (const model of models) state.pending.add(model);
  if (state.flushScheduled) return;
  state.flushScheduled = true;
  setImmediate(() => flush(state));
}

function flush(state: ClusterState) {
  state.flushScheduled = false;
  const models = state.pending;
  state.pending = null;
  if (!models || !state.redis) return;
  const message = JSON.stringify({ from: state.instanceId, models: [...models] });
  state.redis.publish(state.channel, message).catch(() => {
    // Not delivered (Redis away): the other instances empty their caches when their subscription returns.
  });
}

function receive(state: ClusterState, message: string) {
  let parsed: { from?: unknown; models?: unknown };
  try {
    parsed = JSON.parse(message);
  } catch {
    return;
  }
  if (parsed.from === state.instanceId) return;
  const models = Array.isArray(parsed.models) ? parsed.models.filter((m): m is string => typeof m === 'string') : null;
  notifyLocal(state, models);
}

// Compare-and-delete and compare-and-extend: a lock is only ever released or kept alive by its holder.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * Runs `job` unless it is already running on any instance (then resolves `{ ran: false }`). Across instances
 * the lock is a Redis key held with a token and kept alive while the job runs, so a crashed holder frees it
 * within `leaseMs`; without Redis it is this process's own (one instance).
 */
export async function runExclusive<T>(strapi: Core.Strapi, name: string, job: () => Promise<T>, { leaseMs = 30_000 } = {}): Promise<{ ran: true; result: T } | { ran: false }> {
  const state = stateOf(strapi);
  if (state.runningJobs.has(name)) return { ran: false };
  state.runningJobs.add(name);
  try {
    const redis = state.redis;
    if (!redis) return { ran: true, result: await job() };
    const key = `${state.prefix}job:${name}`;
    const token = `${state.instanceId}:${randomBytes(6).toString('hex')}`;
    if ((await redis.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') return { ran: false };
    const keepAlive = setInterval(() => {
      redis.eval(EXTEND, 1, key, token, String(leaseMs)).catch(() => undefined);
    }, Math.max(1000, Math.floor(leaseMs / 3)));
    keepAlive.unref();
    try {
      return { ran: true, result: await job() };
    } finally {
      clearInterval(keepAlive);
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  } finally {
    state.runningJobs.delete(name);
  }
}

/**
 * A scheduled job's run for one slot (its scheduled minute) happens on one instance only: every instance's
 * cron fires, the first to claim the slot in Redis runs it, and the claim outlives the run, so an instance
 * whose clock is a little late does not run it again. Without Redis every firing runs (one instance).
 */
export async function runScheduled(strapi: Core.Strapi, name: string, job: () => Promise<unknown>) {
  const state = stateOf(strapi);
  if (state.redis) {
    const slot = Math.floor(Date.now() / 60_000);
    const claimed = await state.redis.set(`${state.prefix}job:${name}:slot:${slot}`, state.instanceId, 'PX', 10 * 60_000, 'NX').catch(() => null);
    if (claimed !== 'OK') return { ran: false as const };
  }
  return runExclusive(strapi, name, job);
}
