import { promises as fs, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';

export class RunLockedError extends NextframeError {}

/** What a lock file holds: who writes the folder. */
interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export interface RunLock {
  file: string;
  /** Removes the lock (idempotent). Also done when the process exits. */
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per output folder: creates `file` exclusively, holding this process's pid, host and
 * `command`. When another live process on this host holds it, throws a one-line `RunLockedError`
 * naming it; a lock left by a process that no longer runs (killed with -9, a crash, a reboot) is
 * taken over. Released by `release()`, and on any exit of the process as a last resort.
 */
export async function acquireRunLock(file: string, command: string): Promise<RunLock> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
      const onExit = () => {
        try {
          unlinkSync(file);
        } catch {
          // already released
        }
      };
      process.once('exit', onExit);
      let released = false;
      return {
        file,
        release: async () => {
          if (released) return;
          released = true;
          process.off('exit', onExit);
          await fs.rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readOwner(file);
    if (holder && holder.host === owner.host && alive(holder.pid)) {
      throw new RunLockedError(`is in use by ${holder.command} (pid ${holder.pid}, since ${holder.startedAt}); wait for it to finish or stop it first`, {
        file: path.dirname(file),
      });
    }
    if (holder && holder.host !== owner.host) {
      throw new RunLockedError(`is in use by ${holder.command} on ${holder.host} (pid ${holder.pid}); if that run is gone, delete ${file}`, { file: path.dirname(file) });
    }
    // Stale (its process is gone) or unreadable: take it over.
    await fs.rm(file, { force: true });
  }
  throw new RunLockedError('could not take the run lock (another process keeps taking it)', { file: path.dirname(file) });
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as LockOwner;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
