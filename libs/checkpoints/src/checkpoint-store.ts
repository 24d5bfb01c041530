import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';
import { writeFolderAtomic } from '@nextframe/files';
import { checkpointFiles, checkpointFromFiles, parseCheckpointManifest, type CheckpointContent, type CheckpointManifest } from '@nextframe/model';
import { CHECKPOINTS_FOLDER, checkpointName, checkpointStep } from './checkpoint-layout';

/** Checkpoint folders of a run: `runs/<name>/checkpoints/step-000001000/`, each written whole. */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  /** Write a checkpoint whole; its trainer's `testDir` is stored relative to the checkpoint folder, so a moved workspace keeps it. */
  async save(content: CheckpointContent): Promise<string> {
    const folder = path.join(this.dir, checkpointName(content.manifest.step));
    await writeFolderAtomic(folder, checkpointFiles({ ...content, manifest: withTestDir(content.manifest, (dir) => path.relative(folder, dir)) }));
    return folder;
  }

  /** Steps of the saved checkpoints, oldest first. */
  async steps(): Promise<number[]> {
    const entries = await fs.readdir(this.dir).catch(() => [] as string[]);
    return entries.flatMap((e) => checkpointStep(e) ?? []).sort((a, b) => a - b);
  }

  async newest(): Promise<CheckpointContent | undefined> {
    const steps = await this.steps();
    if (steps.length === 0) return undefined;
    return loadCheckpointFolder(path.join(this.dir, checkpointName(steps[steps.length - 1])));
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
      if (!keep.has(step)) await fs.rm(path.join(this.dir, checkpointName(step)), { recursive: true, force: true });
    }
  }

  private async savedAt(step: number): Promise<number> {
    return (await readCheckpointManifest(path.join(this.dir, checkpointName(step)))).trainer?.savedAt ?? 0;
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
  const entries = await fs.readdir(path.join(dir, CHECKPOINTS_FOLDER)).catch(() => undefined);
  if (entries) {
    const newest = entries.filter((e) => checkpointStep(e) !== undefined).sort().pop();
    if (!newest) throw new NextframeError('has no checkpoints yet', { file: dir });
    folder = path.join(dir, CHECKPOINTS_FOLDER, newest);
  }
  return readCheckpoint(folder, dir, 'no trained model here (a run folder with checkpoints, or a checkpoint folder)');
}

/** checkpoint.json + weights.bin of `folder`; errors name `shown` in one line. */
async function readCheckpoint(folder: string, shown: string, missing: string): Promise<CheckpointContent> {
  try {
    const [manifest, weights] = await Promise.all([fs.readFile(path.join(folder, 'checkpoint.json'), 'utf8'), fs.readFile(path.join(folder, 'weights.bin'))]);
    const content = checkpointFromFiles(manifest, weights);
    return { ...content, manifest: resolveTestDir(content.manifest, folder) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new NextframeError(code === 'ENOENT' ? missing : `unreadable checkpoint (${(error as Error).message})`, { file: shown });
  }
}

/** A checkpoint folder's `checkpoint.json` alone (step, config, trainer state; `testDir` absolute), without reading its weights. */
export async function readCheckpointManifest(folder: string): Promise<CheckpointManifest> {
  return resolveTestDir(parseCheckpointManifest(await fs.readFile(path.join(folder, 'checkpoint.json'), 'utf8')), folder);
}

/** The trainer's `testDir` made absolute (stored relative to `folder`; an absolute one, as older checkpoints store it, stays). */
function resolveTestDir(manifest: CheckpointManifest, folder: string): CheckpointManifest {
  return withTestDir(manifest, (dir) => path.resolve(folder, dir));
}

function withTestDir(manifest: CheckpointManifest, change: (dir: string) => string): CheckpointManifest {
  const testDir = manifest.trainer?.testDir;
  if (!manifest.trainer || testDir === undefined) return manifest;
  return { ...manifest, trainer: { ...manifest.trainer, testDir: change(testDir) } };
}
