// Longest-processing-time-first: with two workers, the run ends when the longer queue does, so
// the files that take longest start first. Vitest orders by last run's durations when it has
// them (not on a fresh clone) and groups by project name; this puts the known long ones ahead.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that take far longer than the rest (stacks of their own, restarts, kill -9, a browser), in
 * the order of their durations in a full run on a fresh clone (2026-12-03, 821465c: 72, 71, 50, 48,
 * 30, 28, 26, 25, 18, 18, 16 s); the rest take under 15 s each.
 */
const FIRST = [
  'test/integration/crash.test.ts',
  'test/e2e/staff.test.ts',
  'test/integration/jobs-crash.test.ts',
  'test/integration/startup.test.ts',
  'test/integration/abuse.test.ts',
  'test/integration/demo.test.ts',
  'test/e2e/participant.test.ts',
  'test/integration/personal-data.test.ts',
  'test/e2e/participant-issue16.test.ts',
  'test/integration/migration.test.ts',
  'test/infra/bundle.test.ts',
];
const PROJECTS = ['browser', 'infra', 'integration', 'unit'];

const rank = (spec: TestSpecification) => {
  const first = FIRST.findIndex((f) => spec.moduleId.endsWith(f));
  if (first >= 0) return first;
  const project = PROJECTS.indexOf(spec.project.name);
  return FIRST.length + (project < 0 ? PROJECTS.length : project);
};

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: within a rank, vitest's own order stays.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
