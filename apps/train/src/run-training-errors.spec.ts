import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import { resolveModelConfig } from '@nextframe/model';
import { runTraining } from './run-training';
import { oneLineOf, TINY_TRAINING as tiny, trainOptions, useTrainingClips } from './testing';
import type { TrainOptions } from './train-options';

const tempDir = useTempDir('train-errors');
const clips = useTrainingClips(tempDir);
const options = (name: string, over: Partial<TrainOptions> = {}) => trainOptions({ clipsDir: clips(), root: tempDir() }, name, over);

describe('runTraining refuses what it cannot do', () => {
  it('refuses a second writer of the same run in one line naming the first', async () => {
    let second: Promise<string> | undefined;
    // While a run holds the lock, a second one (started from its first step) is refused.
    await runTraining(options('busy2', { steps: 3 }), {
      onStep: (step) => {
        if (step === 1 && second === undefined) second = oneLineOf(runTraining(options('busy2', { steps: 3, resume: true })));
      },
    });
    expect(await second).toMatch(new RegExp(`^${path.join(tempDir(), 'runs', 'busy2')}: is in use by nextframe train -n busy2 \\(pid ${process.pid}, since `));
    // Released at the end: the run can be resumed.
    await runTraining(options('busy2', { steps: 4, resume: true }));
  });

  it('on a full disk stops with one line naming the file, keeping the last checkpoint', async () => {
    // metrics.jsonl points at /dev/full, which answers every write with ENOSPC.
    const run = options('full', { steps: 6, modelSaveFreq: 1, summaryFreq: 3 });
    await fs.mkdir(run.runDir, { recursive: true });
    await fs.symlink('/dev/full', path.join(run.runDir, 'metrics.jsonl'));
    expect(await oneLineOf(runTraining(run))).toBe(`${path.join(run.runDir, 'metrics.jsonl')}: no space left on device (ENOSPC) while writing; free some space and run again`);
    expect(await fs.readdir(path.join(run.runDir, 'checkpoints'))).toEqual(['step-000000001', 'step-000000002']);
    expect(await fs.readdir(run.runDir)).not.toContain('train.lock');
  });

  it('rejects bad input before training', async () => {
    expect(await oneLineOf(runTraining(options('missing', { clipsDir: path.join(tempDir(), 'nope') })))).toBe(`${path.join(tempDir(), 'nope')}: no such clip store`);
    const wrong = { ...tiny, historyLength: 3 };
    expect(await oneLineOf(runTraining(options('shape', { model: wrong })))).toBe(
      `${clips()}: holds 32x32x5 clips but the model needs 32x32x4 (patch 32, history 3 + 1)`,
    );
    expect(await oneLineOf(runTraining(options('rollout', { model: { ...tiny, rolloutSteps: 2 } })))).toBe(
      `${clips()}: holds 32x32x5 clips but the model needs 32x32x6 (patch 32, history 4 + 2, rollout 2: crop with --history 5)`,
    );
    const noTests = path.join(tempDir(), 'no-test-frames');
    expect(await oneLineOf(runTraining(options('notest', { testDir: noTests, testFreq: 1000 })))).toBe(`${noTests}: no such folder`);
    await expect(fs.readdir(path.join(tempDir(), 'runs', 'notest'))).rejects.toThrow('ENOENT');
    await runTraining(options('again', { steps: 1 }));
    expect(await oneLineOf(runTraining(options('again', { steps: 2 })))).toMatch(/again: already holds checkpoints: use --resume to continue, or -O\/--overwrite to start over$/);
    const other = resolveModelConfig('paper');
    const checkpoint = path.join(tempDir(), 'runs', 'again', 'checkpoints', 'step-000000001');
    expect(await oneLineOf(runTraining(options('other', { model: { ...other, batchSize: 2 }, loadPath: checkpoint, steps: 1 })))).toBe(
      `${checkpoint}: is a 'small' checkpoint with other networks than this run's 'paper' preset`,
    );
  });
});
