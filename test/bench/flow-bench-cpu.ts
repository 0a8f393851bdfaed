// CPU time spent by each part of the flow benchmark, from /proc: robust to other load on the machine.
import { readFileSync } from 'node:fs';
import { processesMentioning, processTree } from '../support/processes';

/** CPU milliseconds used so far by this Node process, Temporal and PostgreSQL. */
export interface CpuSample {
  readonly node: number;
  readonly temporal: number;
  readonly postgres: number;
}

// Linux reports CPU time in clock ticks of 1/100 s on every common configuration.
const tickMs = 10;

/** utime + stime (+ reaped children's when `children`) of one process, in ms. */
function processCpuMs(pid: number, children: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = fields[11]! + fields[12]!;
    return (own + (children ? fields[13]! + fields[14]! : 0)) * tickMs;
  } catch {
    return 0;
  }
}

/**
 * Samples CPU time: this process (all threads, workflow threads included), the Temporal server,
 * and PostgreSQL (the postmaster with its live backends and those already reaped).
 */
export function createCpuMeter(temporalPid: number | undefined, postgresDataDir: string) {
  const postmaster = processesMentioning(`-D ${postgresDataDir}`).find((p) =>
    p.cmdline.includes('postgres'),
  )?.pid;
  return (): CpuSample => {
    const usage = process.cpuUsage();
    const backends = postmaster === undefined ? [] : processTree(postmaster);
    return {
      node: (usage.user + usage.system) / 1000,
      temporal: temporalPid === undefined ? 0 : processCpuMs(temporalPid, true),
      postgres: backends.reduce((sum, p) => sum + processCpuMs(p.pid, p.pid === postmaster), 0),
    };
  };
}

export function cpuSince(before: CpuSample, after: CpuSample): CpuSample {
  return {
    node: after.node - before.node,
    temporal: after.temporal - before.temporal,
    postgres: after.postgres - before.postgres,
  };
}
