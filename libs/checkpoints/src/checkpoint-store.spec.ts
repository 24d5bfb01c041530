import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import { tinyCheckpoint } from '@nextframe/model/testing';
import { CheckpointStore, loadCheckpointFolder, loadTrainedModel } from './checkpoint-store';

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
