'use strict';
/* Load generation (autocannon), latency percentiles, the server's memory, and the bare-SQL floor. */
const fs = require('fs');
const autocannon = require('autocannon');

/** Resident and peak memory of a process, from /proc (Linux), in MB. */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** Samples a process's RSS until stopped; returns the highest value seen. */
function rssSampler(pid, everyMs = 100) {
  let max = memoryOf(pid).rss;
  const timer = setInterval(() => {
    max = Math.max(max, memoryOf(pid).rss);
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(max, memoryOf(pid).rss);
  };
}

function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  return { p50: at(50), p95: at(95), p99: at(99), mean: sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1) };
}

/**
 * Drives `requests` (a list of { path, headers }, taken in turn) with `connections` concurrent clients for
 * `duration` seconds. Every response must be 2xx: a benchmark of error pages would mean nothing.
 */
async function drive({ url, requests, connections, duration, warmup, pid }) {
  let turn = 0;
  const setupRequest = (req) => {
    const next = requests[turn++ % requests.length];
    return { ...req, method: next.method ?? 'GET', path: next.path, headers: { ...req.headers, ...next.headers } };
  };
  // Stock references can take seconds per request at 16 clients; they are slow, not failed.
  const timeout = 120;
  if (warmup > 0) await autocannon({ url, connections, duration: warmup, timeout, requests: [{ setupRequest }] });

  const latencies = [];
  const stop = rssSampler(pid);
  const instance = autocannon({ url, connections, duration, timeout, requests: [{ setupRequest }] });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  const rss = stop();
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${failed} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  return { requests: result.requests.total, rps: result.requests.total / duration, ...percentiles(latencies), rss, bytes: result.throughput.total / Math.max(1, result.requests.total), latencies };
}

/** The compliance statement run bare on its own connection, one after another, for `duration` seconds. */
async function bareSql({ client, sqlite, postgres, statement, duration }) {
  const latencies = [];
  const until = performance.now() + duration * 1000;
  let rows = 0;
  if (client === 'sqlite') {
    const Database = require('better-sqlite3');
    const db = new Database(sqlite.filename, { readonly: true });
    const prepared = db.prepare(statement.sql);
    while (performance.now() < until) {
      const t = performance.now();
      rows = prepared.all(...statement.bindings).length;
      latencies.push(performance.now() - t);
    }
    db.close();
  } else {
    const { Client } = require('pg');
    const db = new Client(postgres);
    await db.connect();
    while (performance.now() < until) {
      const t = performance.now();
      rows = (await db.query(statement.sql, statement.bindings)).rowCount;
      latencies.push(performance.now() - t);
    }
    await db.end();
  }
  return { requests: latencies.length, rps: latencies.length / duration, ...percentiles(latencies), rows };
}

module.exports = { memoryOf, rssSampler, drive, bareSql, percentiles };
