import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';
import { writeFolderAtomic } from '@nextframe/files';
import { checkpointFiles, checkpointFromFiles, type CheckpointContent } from '@nextframe/model';

const NAME = /^step-(\d{9})$/;

/** Checkpoint folders of a run: `runs/<name>/checkpoints/step-000001000/`, each written whole. */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  async save(content: CheckpointContent): Promise<string> {
    const folder = path.join(this.dir, `step-${String(content.manifest.step).padStart(9, '0')}`);
    await writeFolderAtomic(folder, checkpointFiles(content));
    return folder;
  }

  /** Steps of the saved checkpoints, oldest first. */
  async steps(): Promise<number[]> {
    const entries = await fs.readdir(this.dir).catch(() => [] as string[]);
    return entries.flatMap((e) => (NAME.test(e) ? [Number(NAME.exec(e)?.[1])] : [])).sort((a, b) => a - b);
  }

  async newest(): Promise<CheckpointContent | undefined> {
    const steps = await this.steps();
    if (steps.length === 0) return undefined;
    return loadCheckpointFolder(path.join(this.dir, `step-${String(steps[steps.length - 1]).padStart(9, '0')}`));
  }

  /** Keep the newest `keepLast`, the first checkpoint saved in each `everyHours` window, and the steps in `pinned`. */
  async prune(keepLast: number, everyHours: number, pinned: readonly number[] = []): Promise<void> {
    const steps = await this.steps();
    const keep = new Set([...steps.slice(-keepLast), ...pinned]);
    const windows = new Set<number>();
    for (const step of steps) {
      const saved = await this.savedAt(step);
      const window = Math.floor(saved / (everyHours * 3600_000));
      if (!windows.has(window)) {
        windows.add(window);
        keep.add(step);
      }
    }
    for (const step of steps) {
      if (!keep.has(step)) await fs.rm(path.join(this.dir, `step-${String(step).padStart(9, '0')}`), { recursive: true, force: true });
    }
  }

  private async savedAt(step: number): Promise<number> {
    const file = path.join(this.dir, `step-${String(step).padStart(9, '0')}`, 'checkpoint.json');
    const manifest = JSON.parse(await fs.readFile(file, 'utf8'));
    return Number(manifest.extra?.savedAt ?? 0);
  }
}

/** Read a checkpoint folder (`checkpoint.json` + `weights.bin`). */
export async function loadCheckpointFolder(folder: string): Promise<CheckpointContent> {
  return readCheckpoint(folder, folder, 'not a checkpoint folder (checkpoint.json and weights.bin)');
}

/**
 * A trained model to use: a checkpoint folder, or a run folder (`runs/<name>`: its newest
 * checkpoint). Errors name the folder in one line.
 */
export async function loadTrainedModel(dir: string): Promise<CheckpointContent> {
  let folder = dir;
  const entries = await fs.readdir(path.join(dir, 'checkpoints')).catch(() => undefined);
  if (entries) {
    const newest = entries.filter((e) => NAME.test(e)).sort().pop();
    if (!newest) throw new NextframeError('has no checkpoints yet', { file: dir });
    folder = path.join(dir, 'checkpoints', newest);
  }
  return readCheckpoint(folder, dir, 'no trained model here (a run folder with checkpoints, or a checkpoint folder)');
}

/** checkpoint.json + weights.bin of `folder`; errors name `shown` in one line. */
async function readCheckpoint(folder: string, shown: string, missing: string): Promise<CheckpointContent> {
  try {
    const [manifest, weights] = await Promise.all([fs.readFile(path.join(folder, 'checkpoint.json'), 'utf8'), fs.readFile(path.join(folder, 'weights.bin'))]);
    return checkpointFromFiles(manifest, weights);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new NextframeError(code === 'ENOENT' ? missing : `unreadable checkpoint (${(error as Error).message})`, { file: shown });
  }
}
