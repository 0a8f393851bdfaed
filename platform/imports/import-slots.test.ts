// The per-process cap on imports running at once.
import { describe, expect, it } from 'vitest';
import { importSlot, maxRunningImports } from './import-slots';

describe('import slots', () => {
  it('queues imports beyond the cap and starts them in arrival order as slots free', async () => {
    const releases = await Promise.all(
      Array.from({ length: maxRunningImports }, () => importSlot(async () => {})),
    );
    const started: string[] = [];
    let heartbeats = 0;
    const later = ['a', 'b'].map((name) =>
      importSlot(async () => void heartbeats++, 5).then((release) => {
        started.push(name);
        return release;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(started).toEqual([]);
    expect(heartbeats).toBeGreaterThan(0);
    releases[0]!();
    releases[0]!();
    const a = await later[0]!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(started).toEqual(['a']);
    for (const release of [a, ...releases.slice(1)]) release();
    (await later[1]!)();
    expect(started).toEqual(['a', 'b']);
  });
});
