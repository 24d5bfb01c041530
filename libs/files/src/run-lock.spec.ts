import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatError } from '@nextframe/errors';
import { acquireRunLock } from './index';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-lock-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The one line a refused second writer prints. */
async function refusal(file: string): Promise<string> {
  const error = await acquireRunLock(file, 'second').then(
    () => undefined,
    (e: unknown) => e,
  );
  return formatError(error);
}

describe('acquireRunLock', () => {
  it('holds the folder for one writer, names it to a second, and releases', async () => {
    const file = path.join(dir, 'run', 'train.lock');
    const lock = await acquireRunLock(file, 'nextframe train -n a');
    const held = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(held).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'nextframe train -n a' });
    expect(await refusal(file)).toMatch(new RegExp(`^error: ${path.join(dir, 'run')}: is in use by nextframe train -n a \\(pid ${process.pid}, since .*; wait for it to finish or stop it first$`));
    await lock.release();
    expect(existsSync(file)).toBe(false);
    const again = await acquireRunLock(file, 'second');
    await again.release();
    await again.release(); // idempotent
  });

  it('refuses a lock a live process holds, and takes over one whose process is gone', async () => {
    const file = path.join(dir, 'train.lock');
    const sleeper = spawn('sleep', ['30']);
    const write = (pid: number) => fs.writeFile(file, JSON.stringify({ pid, host: os.hostname(), command: 'nextframe train -n other', startedAt: '2026-01-01T00:00:00.000Z' }));
    await write(sleeper.pid as number);
    expect(await refusal(file)).toBe(`error: ${dir}: is in use by nextframe train -n other (pid ${sleeper.pid}, since 2026-01-01T00:00:00.000Z); wait for it to finish or stop it first`);
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper.once('exit', r));
    // Killed with -9: its lock stays behind, stale.
    const lock = await acquireRunLock(file, 'me');
    expect(JSON.parse(await fs.readFile(file, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('is removed when the process exits without releasing it', async () => {
    const file = path.join(dir, 'exit.lock');
    const script = `require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'run-lock.ts'))}).acquireRunLock(${JSON.stringify(file)}, 'child').then(() => { require('fs').writeFileSync(${JSON.stringify(file + '.seen')}, 'x'); process.exit(0); });`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(existsSync(`${file}.seen`)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });
});
