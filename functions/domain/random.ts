// Reproducible randomness for what must replay from a seed: the demo's simulated participants, the
// tests' random cases, the kill -9 moments and the benchmark's simulations. The generator is
// pure-rand's (the PRNG fast-check uses); `Rng` is the shape the draw takes (draw.ts).
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Rng } from './draw.ts';

/** Uniform in [0, 1), like Math.random, the same sequence for the same seed on every machine. */
export function seededRng(seed: number): Rng {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}
