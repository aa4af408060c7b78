// Preloaded into the local stacks the tests start (NODE_OPTIONS=--import): the server's clock can
// be moved forward, so a test waits for no deadline, grace or calendar minute on the wall clock.
// The offset (ms) is in the file named by TEST_CLOCK_FILE, read at start and on SIGUSR2.
// Timers are untouched: only what the server reads as "now" (Date.now(), new Date()) moves.
import { readFileSync } from 'node:fs';

const file = process.env.TEST_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  let offset = 0;
  const read = () => {
    try {
      offset = Number(readFileSync(file, 'utf8')) || 0;
    } catch {
      offset = 0;
    }
  };
  read();
  RealDate.now = () => realNow() + offset;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length ? args : [realNow() + offset], newTarget),
    apply: (target, self, args) => (args.length ? Reflect.apply(target, self, args) : new RealDate(realNow() + offset).toString()),
  });
  process.on('SIGUSR2', read);
}
