import { AsyncLocalStorage } from 'async_hooks';

/**
 * Marks the writes a domain service makes on behalf of a decision (approve, reverse, complete, finalise…).
 * Document Service middlewares let state fields change only inside such a decision; the same write from any
 * other client — the admin panel's content manager, a core controller, a script — gets the plain rules.
 */
const decisions = new AsyncLocalStorage<{ action: string }>();

export function asDecision<T>(action: string, run: () => Promise<T>): Promise<T> {
  return decisions.run({ action }, run);
}

/** The decision in progress, or null when the write comes from a plain client. */
export function currentDecision(): string | null {
  return decisions.getStore()?.action ?? null;
}
