import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import { tinyCheckpoint } from '@nextframe/model/testing';
import { CheckpointStore, loadCheckpointFolder, loadTrainedModel, readCheckpointManifest } from './checkpoint-store';
import { checkpointFolder, checkpointName, checkpointStep } from './checkpoint-layout';

const tempDir = useTempDir('checkpoints');

describe('loadTrainedModel', () => {
  it("takes a run folder's newest checkpoint, or a checkpoint folder", async () => {
    const run = path.join(tempDir(), 'runs', 'mine');
    const store = new CheckpointStore(path.join(run, 'checkpoints'));
    await store.save(await tinyCheckpoint({ step: 5, seed: 1 }));
    const newest = await store.save(await tinyCheckpoint({ step: 12, seed: 1 }));
    expect((await loadTrainedModel(run)).manifest.step).toBe(12);
    expect((await loadTrainedModel(path.join(run, 'checkpoints', 'step-000000005'))).manifest.step).toBe(5);
    expect((await loadCheckpointFolder(newest)).manifest.step).toBe(12);
  });

  it('names the folder in one line when there is no model', async () => {
    const run = path.join(tempDir(), 'runs', 'empty');
    await fs.mkdir(path.join(run, 'checkpoints'), { recursive: true });
    await expect(loadTrainedModel(run)).rejects.toThrow('has no checkpoints yet');
    const nothing = path.join(tempDir(), 'runs', 'nothing');
    await expect(loadTrainedModel(nothing)).rejects.toMatchObject({ file: nothing, message: 'no trained model here (a run folder with checkpoints, or a checkpoint folder)' });
    await expect(loadCheckpointFolder(nothing)).rejects.toMatchObject({ message: 'not a checkpoint folder (checkpoint.json and weights.bin)' });
    const broken = path.join(tempDir(), 'broken');
    await fs.mkdir(broken);
    await fs.writeFile(path.join(broken, 'checkpoint.json'), '{');
    await fs.writeFile(path.join(broken, 'weights.bin'), '');
    await expect(loadTrainedModel(broken)).rejects.toThrow(/^unreadable checkpoint/);
  });
});

describe('checkpoint folder names', () => {
  it('are step- and nine digits, sorting as the steps do, and read back', () => {
    expect(checkpointName(1200)).toBe('step-000001200');
    expect(checkpointFolder(path.join('runs', 'x'), 7)).toBe(path.join('runs', 'x', 'checkpoints', 'step-000000007'));
    expect(['step-000000900', 'step-000001050', 'step-000010000'].map(checkpointStep)).toEqual([900, 1050, 10000]);
    expect(['step-12', 'step-000001200.tmp', 'other', 'step-0000012000'].map(checkpointStep)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('the trainer state of a checkpoint', () => {
  const trainer = (testDir?: string) => ({ dataPosition: { epoch: 2, batch: 5 }, adversarial: true, ...(testDir ? { testDir } : {}), savedAt: 1234, trainingSeconds: 56.5 });

  it('keeps testDir relative to the checkpoint folder on disk and absolute once loaded, so a moved run keeps it', async () => {
    const root = path.join(tempDir(), 'workspace');
    const testDir = path.join(root, 'data', 'mine', 'frames', 'test');
    const run = path.join(root, 'runs', 'mine');
    const content = await tinyCheckpoint({ step: 3, seed: 1 });
    const folder = await new CheckpointStore(path.join(run, 'checkpoints')).save({ ...content, manifest: { ...content.manifest, trainer: trainer(testDir) } });
    const stored = JSON.parse(await fs.readFile(path.join(folder, 'checkpoint.json'), 'utf8'));
    expect(stored).toMatchObject({ version: 2, trainer: { ...trainer(), testDir: path.join('..', '..', '..', '..', 'data', 'mine', 'frames', 'test') } });
    expect((await loadTrainedModel(run)).manifest.trainer).toEqual(trainer(testDir));
    expect((await readCheckpointManifest(folder)).trainer).toEqual(trainer(testDir));
    // The whole workspace moved: the path follows it.
    const moved = path.join(tempDir(), 'moved');
    await fs.rename(root, moved);
    expect((await loadTrainedModel(path.join(moved, 'runs', 'mine'))).manifest.trainer?.testDir).toBe(path.join(moved, 'data', 'mine', 'frames', 'test'));
  });

  it("reads a version 1 checkpoint's untyped extra as the trainer state (missing fields take defaults; an absolute testDir stays)", async () => {
    const folder = path.join(tempDir(), 'v1', 'step-000000004');
    const content = await tinyCheckpoint({ step: 4, seed: 1 });
    const v1 = { ...content.manifest, version: 1, extra: { dataPosition: { epoch: 1, batch: 0 }, adversarial: false, testDir: '/data/test', savedAt: 99 } };
    delete (v1 as { trainer?: unknown }).trainer;
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(path.join(folder, 'checkpoint.json'), JSON.stringify(v1));
    await fs.writeFile(path.join(folder, 'weights.bin'), content.weights);
    const loaded = await loadCheckpointFolder(folder);
    expect(loaded.manifest.version).toBe(2);
    expect(loaded.manifest.trainer).toEqual({ dataPosition: { epoch: 1, batch: 0 }, adversarial: false, testDir: '/data/test', savedAt: 99, trainingSeconds: 0 });
    // A v1 checkpoint made outside training (extra {}) has no trainer state.
    await fs.writeFile(path.join(folder, 'checkpoint.json'), JSON.stringify({ ...v1, extra: {} }));
    expect((await loadCheckpointFolder(folder)).manifest.trainer).toBeUndefined();
    // A malformed one is an error naming the field.
    await fs.writeFile(path.join(folder, 'checkpoint.json'), JSON.stringify({ ...v1, extra: { dataPosition: { epoch: -1, batch: 0 } } }));
    await expect(loadCheckpointFolder(folder)).rejects.toThrow(/trainer\.dataPosition\.epoch/);
  });
});
