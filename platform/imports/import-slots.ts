// Caps how many imports run at once in this process: each holds up to two database connections.

/** Imports loading at the same time per process; later ones wait, queued, in arrival order. */
export const maxRunningImports = 2;

let running = 0;
const waiting: Array<() => void> = [];

/**
 * Waits for a free slot and returns its release. `whileWaiting` runs every `everyMs` until then
 * (a queued job keeps its heartbeat, so it is not taken for one whose process died).
 * @example const release = await importSlot(() => touchJob(db, id)); try { … } finally { release() }
 */
export async function importSlot(
  whileWaiting: () => Promise<void>,
  everyMs = 60_000,
): Promise<() => void> {
  if (running >= maxRunningImports) {
    const timer = setInterval(() => void whileWaiting().catch(() => undefined), everyMs);
    try {
      await new Promise<void>((resolve) => waiting.push(resolve));
    } finally {
      clearInterval(timer);
    }
  } else {
    running++;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = waiting.shift();
    // The slot passes straight to the next job, so `running` stays as it is.
    if (next) next();
    else running--;
  };
}
