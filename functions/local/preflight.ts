// What `npm start` and `npm test` need from the machine, checked before anything is built or
// started: each problem is one plain line of what is missing and one line of how to fix it
// (Debian/Ubuntu first, then macOS; Windows runs the Debian/Ubuntu command inside WSL).
//
//   tsx functions/local/preflight.ts          the checks of `npm start` (Node, Java, DATA_DIR, lock, port)
//   tsx functions/local/preflight.ts --test   the checks of `npm test` (Node, Java, Chromium)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeInstance, runningInstance } from './lock.ts';

export const MIN_NODE = [20, 19] as const;
export const MIN_JAVA = 17;

export interface Problem {
  what: string;
  fix: string;
}

const WSL = 'Windows: run the Debian/Ubuntu command inside WSL (Ubuntu)';

export function checkNode(version = process.versions.node): Problem | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return undefined;
  return {
    what: `Node.js ${MIN_NODE.join('.')} or newer is needed; this is ${version}.`,
    fix: `Debian/Ubuntu: curl -fsSL https://deb.nodesource.com/setup_22.x | sudo -E bash - && sudo apt-get install -y nodejs · macOS: brew install node@22 · ${WSL}`,
  };
}

/** Major version from `java -version` output: `openjdk version "17.0.13"`, `java version "1.8.0_381"`. */
export function javaMajor(output: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 ? Number(m[2]) : first;
}

export function checkJava(): Problem | undefined {
  const fix = `Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless · macOS: brew install openjdk@17 · ${WSL}`;
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (run.error) return { what: 'Java 17 or newer is needed to run DynamoDB Local, and `java` was not found on the PATH.', fix };
  const major = javaMajor(`${run.stderr}${run.stdout}`);
  if (major === undefined || major < MIN_JAVA) {
    return { what: `Java ${MIN_JAVA} or newer is needed to run DynamoDB Local; \`java -version\` says ${major ?? 'something else'}.`, fix };
  }
  return undefined;
}

export function checkDataDir(dataDir: string): Problem | undefined {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
    const probe = join(dataDir, `.write-check-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
    return undefined;
  } catch (e) {
    return {
      what: `DATA_DIR ${dataDir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
      fix: `Use another folder: DATA_DIR=$HOME/cuoc-thi-data npm start · or make it yours: sudo chown -R $(whoami) ${dataDir}`,
    };
  }
}

/** Whether something already listens on `port` (on any address, as the server will). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((res) => {
    const server = createServer();
    server.once('error', () => res(true));
    server.listen(port, () => server.close(() => res(false)));
  });
}

export function portProblem(port: number): Problem {
  return { what: `Port ${port} is already in use by another program.`, fix: `Stop that program, or use another port: PORT=${port + 1} npm start` };
}

export function checkChromium(path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): Problem | undefined {
  if (existsSync(path)) return undefined;
  return {
    what: `The browser tests need Chromium at ${path}, and it is not there (no browser is ever downloaded).`,
    fix: `Debian: sudo apt-get install -y chromium (Ubuntu: sudo snap install chromium, then CHROMIUM_PATH=/snap/bin/chromium npm test) · macOS: brew install --cask chromium, then CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium npm test · ${WSL}`,
  };
}

export function format(command: string, problems: Problem[]): string {
  return problems.map((p) => `${command} cannot run: ${p.what}\n  Fix: ${p.fix}`).join('\n');
}

/** The checks of `npm start`, in the order a user would fix them. A running instance is a refusal of its own. */
export async function startProblems(options: { dataDir: string; port: number }): Promise<{ problems: Problem[]; running?: string }> {
  const problems = [checkNode(), checkJava(), checkDataDir(options.dataDir)].filter((p): p is Problem => p !== undefined);
  const running = existsSync(options.dataDir) ? runningInstance(options.dataDir) : undefined;
  if (running) return { problems, running: describeInstance(running) };
  if (await portInUse(options.port)) problems.push(portProblem(options.port));
  return { problems };
}

export const startConfig = () => ({ port: Number(process.env.PORT || 3000), dataDir: resolve(process.env.DATA_DIR || './.data') });

async function cli() {
  if (process.argv.includes('--test')) {
    const problems = [checkNode(), checkJava(), checkChromium()].filter((p): p is Problem => p !== undefined);
    if (problems.length) {
      console.error(format('npm test', problems));
      process.exit(1);
    }
    return;
  }
  const { problems, running } = await startProblems(startConfig());
  if (running) console.error(running);
  if (problems.length) console.error(format('npm start', problems));
  if (running || problems.length) process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await cli();
