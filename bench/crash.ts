// `npm run crash -- --rounds 10`: the crash test of issue 7 beside the benchmark, for as many
// rounds as wanted. Each round: a load of starts, saves and submits on the real local mode, kill -9
// of the whole stack at a seeded random moment, restart on the same data directory, then a check
// that every acknowledged save and submission of every round so far is there and the aggregates
// are exact (test/helpers/crash.ts, the same rounds as test/integration/crash.test.ts).
//
//   npx tsx bench/crash.ts --rounds 10 [--seed 12345] [--workers 12] [--min-kill-ms 2000] [--max-kill-ms 12000]
//
// Prints a table and a total line; exit 1 when anything acknowledged was lost or a check failed.
import { crashRound, roundSeed, type CrashRoundResult, type CrashSession } from '../test/helpers/crash.ts';

function parseArgs(argv: string[]) {
  const known = ['rounds', 'seed', 'workers', 'min-kill-ms', 'max-kill-ms'];
  const out: Record<string, number> = { rounds: 10, seed: Math.floor(Math.random() * 2 ** 31), workers: 12, 'min-kill-ms': 2_000, 'max-kill-ms': 12_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help') {
      console.log('usage: npm run crash -- [--rounds 10] [--seed N] [--workers 12] [--min-kill-ms 2000] [--max-kill-ms 12000]');
      process.exit(0);
    }
    const name = a.replace(/^--/, '');
    if (!a.startsWith('--') || !known.includes(name)) throw new Error(`unknown option ${a} (try --help)`);
    const v = Number(argv[++i]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer`);
    out[name] = v;
  }
  if (out.rounds! < 1 || out.workers! < 1 || out['max-kill-ms']! <= out['min-kill-ms']!) throw new Error('need --rounds ≥ 1, --workers ≥ 1, --max-kill-ms > --min-kill-ms');
  return out as { rounds: number; seed: number; workers: number; 'min-kill-ms': number; 'max-kill-ms': number };
}

const args = parseArgs(process.argv.slice(2));
console.log(`crash: ${args.rounds} rounds, ${args.workers} workers, kill ${args['min-kill-ms']}-${args['max-kill-ms']} ms into each load, --seed ${args.seed}`);

const results: CrashRoundResult[] = [];
let session: CrashSession | undefined;
let failure: unknown;
const started = Date.now();
try {
  for (let r = 0; r < args.rounds; r++) {
    const result = await crashRound({
      session,
      seed: roundSeed(args.seed, r),
      workers: args.workers,
      minKillMs: args['min-kill-ms'],
      maxKillMs: args['max-kill-ms'],
      log: (line) => console.log(line),
    });
    session = result.session;
    results.push(result);
    for (const line of [...result.lostDetail, ...result.problems, ...result.aggregates.problems].slice(0, 20)) console.log(`  ! ${line}`);
  }
} catch (e) {
  failure = e;
  console.error(`crash: round ${results.length + 1} did not complete:`, e);
} finally {
  await session?.close().catch(() => undefined);
}

const header = ['round', 'seed', 'kill at', 'in flight (st/sv/sb)', 'acked saves', 'acked submits', 'unknown', 'landed unknown submits', 'lost', 'aggregates'];
const rows = results.map((r) => [
  String(r.round),
  String(r.seed),
  `${r.killedAtMs} ms`,
  `${r.inFlightAtKill.starts}/${r.inFlightAtKill.saves}/${r.inFlightAtKill.submits}`,
  String(r.ackedSaves),
  String(r.ackedSubmits),
  String(r.unknown),
  String(r.unknownDetail.submitsLanded),
  String(r.lost),
  r.aggregates.ok ? `exact (${r.aggregates.participants} people, ${r.aggregates.submissions} subs)` : 'WRONG',
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log();
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));

const sum = (f: (r: CrashRoundResult) => number) => results.reduce((n, r) => n + f(r), 0);
const lost = sum((r) => r.lost);
const problems = sum((r) => r.problems.length + r.aggregates.problems.length);
const last = results.at(-1);
console.log(
  `total: ${results.length}/${args.rounds} rounds, ${sum((r) => r.ackedSaves)} saves and ${sum((r) => r.ackedSubmits)} submits acknowledged under load ` +
    `(${last?.totals.ackedSaves ?? 0} saves, ${last?.totals.ackedSubmits ?? 0} submits with the after-restart ones, all re-checked every round), ` +
    `${sum((r) => r.unknown)} unknown, lost ${lost}, other problems ${problems}, ${Math.round((Date.now() - started) / 1000)} s`,
);
process.exit(failure || lost > 0 || problems > 0 || results.some((r) => !r.aggregates.ok) ? 1 : 0);
