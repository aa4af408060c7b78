// Resident memory of the whole local stack. startServer() spawns functions/local/main.ts detached,
// so it leads its own process group (pgid = its pid) and DynamoDB Local (java) and cognito-local
// (node) inherit that group: summing VmRSS over /proc/*/ with that pgrp covers all three.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface ProcessRss {
  pid: number;
  name: string;
  rssKb: number;
}

function statOf(pid: string): { pgrp: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces: the fields after the last ')' are fixed.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    return { pgrp: Number(fields[2]), comm };
  } catch {
    return undefined;
  }
}

function label(pid: string, comm: string): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    if (cmd.includes('DynamoDBLocal.jar')) return 'DynamoDB Local (java)';
    if (cmd.includes('cognito-local')) return 'cognito-local (node)';
    if (cmd.includes('functions/local/main.ts')) return 'server (node)';
    return comm;
  } catch {
    return comm;
  }
}

export function groupRss(pgid: number): { totalKb: number; processes: ProcessRss[] } {
  const processes: ProcessRss[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = statOf(pid);
    if (!stat || stat.pgrp !== pgid) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      processes.push({ pid: Number(pid), name: label(pid, stat.comm), rssKb });
    } catch {
      /* exited meanwhile */
    }
  }
  return { totalKb: processes.reduce((s, p) => s + p.rssKb, 0), processes };
}

export interface PhasePeak {
  /** 1-minute load average when the phase began: the machine is shared, so this says how quiet it was. */
  loadAverageAtStart: number;
  peakMb: number;
  samples: number;
  atPeak: { name: string; mb: number }[];
  lastMb: number;
}

/** Samples the group every `intervalMs`, keeping the peak per named phase. */
export class RssSampler {
  private phase = 'idle';
  private readonly peaks = new Map<string, PhasePeak>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pgid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Switches the phase the next samples count for (and takes one sample at once). */
  enter(phase: string): void {
    this.phase = phase;
    this.sample();
  }

  private fresh(): PhasePeak {
    return { loadAverageAtStart: Math.round(loadavg()[0]! * 100) / 100, peakMb: 0, samples: 0, atPeak: [], lastMb: 0 };
  }

  sample(): void {
    const { totalKb, processes } = groupRss(this.pgid);
    const mb = totalKb / 1024;
    const peak = this.peaks.get(this.phase) ?? this.fresh();
    peak.samples++;
    peak.lastMb = Math.round(mb);
    if (mb > peak.peakMb) {
      peak.peakMb = Math.round(mb);
      peak.atPeak = processes.map((p) => ({ name: p.name, mb: Math.round(p.rssKb / 1024) })).sort((a, b) => b.mb - a.mb);
    }
    this.peaks.set(this.phase, peak);
  }

  peak(...phases: string[]): PhasePeak | undefined {
    let best: PhasePeak | undefined;
    for (const p of phases) {
      const v = this.peaks.get(p);
      if (v && (!best || v.peakMb > best.peakMb)) best = v;
    }
    return best;
  }

  all(): Record<string, PhasePeak> {
    return Object.fromEntries(this.peaks);
  }
}
