// Builds the designer when its output is missing or older than its sources (a fresh clone).
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as Vite from 'vite';
import type { Logger } from '../logger';

/** Newest modification time under a folder, skipping build output and dependencies. */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

/**
 * Runs `vite build` when needed. Production images ship a built designer and no sources check is
 * needed there: without the designer sources or without vite this does nothing.
 */
export async function ensureDesignerBuild(dist: string, logger: Logger): Promise<void> {
  const sources = path.resolve(dist, '..');
  const config = path.join(sources, 'vite.config.ts');
  if (!existsSync(config)) return;
  const index = path.join(dist, 'index.html');
  if (existsSync(index) && (await stat(index)).mtimeMs >= (await newestMtime(sources))) return;
  let vite: typeof Vite;
  try {
    vite = await import('vite');
  } catch {
    logger.warn('designer is not built and vite is not installed; the API runs without the UI');
    return;
  }
  logger.info('building the designer (first start or sources changed)');
  await vite.build({ configFile: config, logLevel: 'warn' });
}
