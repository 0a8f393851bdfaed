// Reads the process table from /proc to find what a test's child processes left behind.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
}

/** Every live process, with its parent and command line. */
export function listProcesses(): ProcessInfo[] {
  const result: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name in parentheses may contain spaces; the fields after it do not.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      result.push({ pid: Number(entry), ppid: Number(fields[1]), cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return result;
}

/** The process and all its descendants. */
export function processTree(rootPid: number): ProcessInfo[] {
  const all = listProcesses();
  const found = new Set<number>([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => found.has(p.pid));
}

/** Processes whose command line mentions `text` (e.g. a data folder). */
export function processesMentioning(text: string): ProcessInfo[] {
  return listProcesses().filter((p) => p.cmdline.includes(text));
}
