import http from 'http';
import request from 'supertest';
import type { TestApp } from './strapi';

export type RaceRequest = (client: ReturnType<typeof request>) => request.Test;

/**
 * Fires every request at once over real sockets (the server listens on an ephemeral port for the duration)
 * and returns the responses in order. On PostgreSQL the requests run on separate pool connections, so a
 * decision that is not locked shows up as more than one success.
 */
export async function race(app: TestApp, requests: RaceRequest[]): Promise<request.Response[]> {
  const server = app.strapi.server.httpServer as http.Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await Promise.all(requests.map((send) => send(request(server)).then((res) => res)));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The same request n times at once. */
export const raceSame = (app: TestApp, n: number, send: RaceRequest) => race(app, Array.from({ length: n }, () => send));

/** Status code → how many responses had it, e.g. { 200: 1, 409: 9 }. */
export function tally(responses: request.Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}
