// Section 3 (consumed capacity) runs in a child process, on a DynamoDB Local of its own.
//
// Why a child: the stream consumer's capacity is charged in the process that runs it, and the local
// stack already runs one consumer on its table's stream (functions/local/main.ts). A second poller on
// that stream would fold the same records into the counters twice (the consumer's ledger is keyed by
// the first record of each of its own chunks), and the stack's consumer cannot be instrumented from
// here. So the child imports the handlers and runs the same local-mode stream poller in-process, as
// the only consumer of a table's stream. The parent keeps its in-process handlers on the stack's
// table for the read paths of section 4.
//
// Why its own DynamoDB Local (started with local mode's launcher, on disk as local mode runs it):
// a second table in the stack's DynamoDB Local, created with its stream from createTableInput, was
// slow for good once the stack's table had taken the load (measured: PutItem ~45 ms and GetItem
// ~22 ms on it, against 2.7 ms and 1.2 ms on the stack's table at the same moment; ~285 ms per
// PutItem when created after 50,000 writes), which made every in-process call crawl and the
// concurrent run time out. A fresh instance measures the app, not that.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CapacityResult } from './capacity.ts';

export interface CapacityPhaseInput {
  /** Environment of the in-process handlers; the child replaces DYNAMODB_ENDPOINT with its own instance's. */
  env: Record<string, string>;
  contestId: string;
  /** Participants driven one at a time; the concurrent run drives max(this, 2 × concurrency). */
  participants: number;
  concurrency: number;
  adminEmail: string;
  scratch: string;
  /** The parent's start time, so the child's log lines carry the same clock. */
  startedAt: number;
}

export interface CapacityPhaseOutput {
  tableName: string;
  /** One at a time, then at `concurrency`, then a second attempt of a third of the first people. */
  capacity: CapacityResult;
  contended: CapacityResult;
  repeat: CapacityResult;
  /** Its DynamoDB Local's own latency, one call at a time, before the runs. */
  latency: { putMs: number; getMs: number };
  /** The consumer's counters of the contest after the three runs, and what they must be. */
  counters: { expected: { participants: number; attempts: number }; slack: { participants: number; attempts: number }; actual: { participants: number; attempts: number } };
  errors: string[];
}

export async function runCapacityPhase(input: CapacityPhaseInput): Promise<CapacityPhaseOutput> {
  const inFile = join(input.scratch, 'capacity-in.json');
  const outFile = join(input.scratch, 'capacity-out.json');
  writeFileSync(inFile, JSON.stringify(input));
  const child = fileURLToPath(new URL('./capacity-child.ts', import.meta.url));
  // process.execArgv carries tsx's loader (npm run bench = tsx bench/run.ts).
  const proc = spawn(process.execPath, [...process.execArgv, child, inFile, outFile], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (c) => resolve(c));
  }).finally(() => killLeftovers(capacityDataDir(input.scratch)));
  if (code !== 0) throw new Error(`capacity phase child exited with ${code}`);
  return JSON.parse(readFileSync(outFile, 'utf8')) as CapacityPhaseOutput;
}

/** Where the child's DynamoDB Local keeps its data (a fresh directory under the bench's scratch). */
export const capacityDataDir = (scratch: string) => join(scratch, 'capacity-dynamodb');

/**
 * The child stops its DynamoDB Local itself; if the child died first, its JVM would be left running:
 * end it, found by its command line naming this run's own data directory.
 */
function killLeftovers(dataDir: string): void {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone, or not ours to read */
    }
  }
}
