// CPU accounting for the data-engine benchmark: who used the cores during a phase (from /proc).
import { readFileSync } from 'node:fs';
import { processTree } from '../support/processes';

/** Cores busy on average during a window, by who used them. */
export interface CpuShares {
  readonly server: number;
  readonly postgres: number;
  /** This process: the load generator and the orchestration. */
  readonly bench: number;
  /**
   * Everything else on the machine (other users' builds and tests, the kernel's own work); NaN for
   * windows under a second, too short for /proc's 10 ms ticks.
   */
  readonly other: number;
  readonly seconds: number;
}

export interface CpuMeter {
  /** Starts a window; the returned function ends it. */
  start(): () => CpuShares;
  /** Waits (up to `maxSeconds`) until other processes use less than `cores`; returns the seconds waited. */
  waitForQuiet(cores: number, maxSeconds: number): Promise<number>;
}

/**
 * Measures the server's and PostgreSQL's process trees, this process and the whole machine.
 * @example const stop = meter.start(); await work(); const { server, other } = stop();
 */
export function createCpuMeter(serverPid: number, postmasterPid: number): CpuMeter {
  const start = () => {
    const server = perProcess(serverPid);
    const postgres = perProcess(postmasterPid);
    const self = process.cpuUsage();
    const machine = machineBusySeconds();
    const started = performance.now();
    return (): CpuShares => {
      const seconds = (performance.now() - started) / 1000;
      const serverUsed = usedSince(serverPid, server);
      const postgresUsed = usedSince(postmasterPid, postgres);
      const own = process.cpuUsage(self);
      const benchUsed = (own.user + own.system) / 1e6;
      const other = machineBusySeconds() - machine - serverUsed - postgresUsed - benchUsed;
      return {
        server: serverUsed / seconds,
        postgres: postgresUsed / seconds,
        bench: benchUsed / seconds,
        other: seconds < 1 ? NaN : Math.max(0, other) / seconds,
        seconds,
      };
    };
  };
  return {
    start,
    async waitForQuiet(cores, maxSeconds) {
      const began = performance.now();
      for (;;) {
        const stop = start();
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const waited = (performance.now() - began) / 1000;
        if (stop().other < cores || waited >= maxSeconds) return Math.round(waited);
      }
    },
  };
}

const ticksPerSecond = 100;

/** CPU seconds (user + system) of each process in the tree under `root`, by pid. */
function perProcess(root: number): Map<number, number> {
  const used = new Map<number, number>();
  for (const { pid } of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // the process ended meanwhile
    }
  }
  return used;
}

/** CPU seconds the tree used since `before`; processes that ended in between are not counted. */
function usedSince(root: number, before: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of perProcess(root)) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}

/** Busy CPU seconds of the whole machine since boot, from /proc/stat. */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 9);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
  const busy = fields.map(Number).filter((_, i) => i !== 3 && i !== 4);
  return busy.reduce((a, b) => a + b, 0) / ticksPerSecond;
}
