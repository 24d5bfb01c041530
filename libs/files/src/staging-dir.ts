import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const STAGING_MARK = '.partial-';

/**
 * A temp folder beside `finalDir` to write into; `commit()` puts it in place with a rename, so
 * `finalDir` is either absent, the old complete folder, or the new complete folder — never half
 * written. A killed process leaves only a `.NAME.partial-PID` folder, which
 * `removeStaleStagingDirs` clears on the next run.
 */
export interface StagingDir {
  /** Where to write. */
  readonly path: string;
  /** Move the staged folder to its final place, replacing any folder already there. */
  commit(): Promise<void>;
  /** Remove the staged folder (after a failure). */
  discard(): Promise<void>;
}

export async function createStagingDir(finalDir: string): Promise<StagingDir> {
  const parent = path.dirname(finalDir);
  const name = path.basename(finalDir);
  await fs.mkdir(parent, { recursive: true });
  const staged = path.join(parent, `.${name}${STAGING_MARK}${process.pid}`);
  await fs.rm(staged, { recursive: true, force: true });
  await fs.mkdir(staged);
  return {
    path: staged,
    async commit() {
      const old = path.join(parent, `.${name}.old-${process.pid}`);
      let hadOld = false;
      try {
        await fs.rename(finalDir, old);
        hadOld = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      await fs.rename(staged, finalDir);
      if (hadOld) await fs.rm(old, { recursive: true, force: true });
    },
    async discard() {
      await fs.rm(staged, { recursive: true, force: true });
    },
  };
}

/** Remove staging folders in `parent` left by processes that are no longer running. */
export async function removeStaleStagingDirs(parent: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = /^\..+(?:\.partial-|\.old-)(\d+)$/.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && isRunning(pid)) continue;
    await fs.rm(path.join(parent, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
