import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadTrainedModel } from '@nextframe/checkpoints';
import { noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { NextframeError } from '@nextframe/errors';
import { useTempDir } from '@nextframe/files/testing';
import { createGenerator, restoreCheckpoint } from '@nextframe/model';
import { readEventFile } from '@nextframe/tensorboard';
import { initBackend } from '@nextframe/tf-backend';
import { testBackendName } from '@nextframe/tf-backend/testing';
import { recursiveTest } from './recursive-test';
import { runTraining, TrainingDivergedError } from './run-training';
import { TRAINING_OUTPUTS } from '@nextframe/manifest';
import { TINY_TRAINING, trainOptions, useTrainingClips } from './testing';
import type { TrainOptions } from './train-options';

const tempDir = useTempDir('train');
const clipsDir = useTrainingClips(tempDir);
const tiny = TINY_TRAINING;
const options = (name: string, over: Partial<TrainOptions> = {}) => trainOptions({ clipsDir: clipsDir(), root: tempDir() }, name, over);

describe('runTraining writes checkpoints, TensorBoard summaries and metrics.jsonl', () => {
  it('writes checkpoints, TensorBoard summaries and metrics.jsonl that agree', async () => {
    const lines: string[] = [];
    const result = await runTraining(options('files'), { log: (l) => lines.push(l) });
    expect(result).toMatchObject({ step: 4, reason: 'done' });
    const run = path.join(tempDir(), 'runs', 'files');
    expect(await fs.readdir(path.join(run, 'checkpoints'))).toEqual(['step-000000002', 'step-000000004']);
    expect((await fs.readdir(path.join(run, 'checkpoints', 'step-000000004'))).sort()).toEqual(['checkpoint.json', 'weights.bin']);
    expect(lines.filter((l) => l.startsWith('step '))).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^step 1: generator [\d.]+, lp [\d.]+, gdl [\d.]+, adversarial [\d.]+, discriminator [\d.]+, psnr [\d.]+, sharpness_difference [\d.-]+; D\(real\)( [\d.]+){4}, D\(generated\)( [\d.]+){4}, D accuracy( [\d.]+){4} \([\d.]+ steps\/s\)$/,
    );

    // The end of the run: the judgement of all 4 steps, mean ± standard error per scale, in the log and in metrics.jsonl.
    expect(lines.at(-1)).toMatch(/^D accuracy over the last 4 steps( [\d.]+±[\d.]+){4} \(mean ± standard error, coarsest scale first\), D\(real\)( [\d.]+){4}, D\(generated\)( [\d.]+){4}$/);
    const jsonl = (await fs.readFile(path.join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(jsonl.map((m) => m.step)).toEqual([1, 2, 3, 4, 4]);
    const end = jsonl[4];
    for (const k of [0, 1, 2, 3]) {
      const perStep = jsonl.slice(0, 4).map((m) => m[`discriminator/scale${k}/accuracy`]);
      expect(end[`discriminator/scale${k}/accuracy_last_steps`]).toBeCloseTo(perStep.reduce((a, b) => a + b) / 4, 6);
    }
    const [eventFile] = await fs.readdir(path.join(run, 'summaries'));
    const events = await readEventFile(path.join(run, 'summaries', eventFile));
    expect(events[0].fileVersion).toBe('brain.Event:2');
    const logged = events.slice(1);
    expect(logged.map((e) => e.step)).toEqual([1, 2, 3, 4, 4]);
    logged.slice(0, 4).forEach((event, i) => {
      const values = Object.fromEntries((event.values ?? []).map((v) => [v.tag, v.simpleValue]));
      const perScale = [0, 1, 2, 3].flatMap((k) => ['accuracy', 'generated_mean', 'real_mean'].map((what) => `discriminator/scale${k}/${what}`));
      expect(Object.keys(values).sort()).toEqual([...perScale, 'loss/adversarial', 'loss/discriminator', 'loss/gdl', 'loss/generator', 'loss/lp', 'train/psnr', 'train/sharpness_difference']);
      for (const k of [0, 1, 2, 3]) {
        expect(values[`discriminator/scale${k}/accuracy`]).toBeGreaterThanOrEqual(0);
        expect(values[`discriminator/scale${k}/accuracy`]).toBeLessThanOrEqual(1);
        expect(values[`discriminator/scale${k}/real_mean`]).toBeGreaterThanOrEqual(tiny.discriminatorClip[0] - 1e-6);
      }
      for (const [tag, value] of Object.entries(values)) expect(value).toBeCloseTo(jsonl[i][tag], 2);
    });
  });
});

describe('runTraining saves images and runs recursive tests', () => {
  it('saves batch images and runs recursive tests on full frames (-t, -r, -T)', async () => {
    const testDir = path.join(tempDir(), 'test-frames');
    await writeFrameFolder(path.join(testDir, 'clip'), noiseFrames(44, 36, 7));
    const lines: string[] = [];
    const run = options('imaging', { steps: 2, imgSaveFreq: 2, testFreq: 2, testDir, recursions: 3 });
    await runTraining(run, { log: (l) => lines.push(l) });
    // What a run writes is what the Nx train target caches (libs/manifest's TRAINING_OUTPUTS), no more, no less.
    expect((await fs.readdir(run.runDir)).sort()).toEqual([...TRAINING_OUTPUTS].sort());
    const clip0 = (await fs.readdir(path.join(run.runDir, 'images', 'step_2', 'clip_0'))).sort();
    expect(clip0).toEqual([
      'input_0.png', 'input_1.png', 'input_2.png', 'input_3.png',
      'scale_0_generated.png', 'scale_0_true.png', 'scale_1_generated.png', 'scale_1_true.png',
      'scale_2_generated.png', 'scale_2_true.png', 'scale_3_generated.png', 'scale_3_true.png',
    ]);
    expect((await fs.readdir(path.join(run.runDir, 'images', 'step_2'))).sort()).toEqual(['clip_0', 'clip_1']);
    expect((await fs.readdir(path.join(run.runDir, 'test', 'step_2', 'clip'))).sort()).toEqual(['pred_1.png', 'pred_2.png', 'pred_3.png', 'true_1.png', 'true_2.png', 'true_3.png']);
    const testLine = lines.find((l) => l.startsWith('test at step 2'));
    const three = '( [\\d.-]+){3}';
    expect(testLine).toMatch(
      new RegExp(
        `^test at step 2 \\(1 videos\\), PSNR per recursion step: model${three} dB; copy last${three}; blank${three}; mean of inputs${three}; ` +
          `model sharpness ratio${three}, brightest${three}, sharpness difference${three} dB`,
      ),
    );
    const jsonl = (await fs.readFile(path.join(run.runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const test = jsonl.find((m) => 'test/psnr/recursion_1' in m);
    expect(Object.keys(test)).toEqual(
      expect.arrayContaining(['test/psnr/recursion_3', 'test/sharpness_difference/recursion_3', 'test/sharpness_ratio/recursion_3', 'test/blank_psnr/recursion_3', 'test/mean_of_inputs_psnr/recursion_3', 'test/copy_last_psnr/recursion_3']),
    );
    // The blank baseline by hand: the true frame 5 (index 4) against black.
    const truth = noiseFrames(44, 36, 7)[4].data;
    const blankMse = truth.reduce((sum, v) => sum + (v / 255) ** 2, 0) / truth.length;
    expect(test['test/blank_psnr/recursion_1']).toBeCloseTo(10 * Math.log10(1 / blankMse), 4);
    // The checkpoint names the run's test frames (export takes the page's sample clips there).
    expect((await loadTrainedModel(run.runDir)).manifest.trainer?.testDir).toBe(testDir);

    // -T: test only, from the run's newest checkpoint; nothing trains.
    const only: string[] = [];
    const result = await runTraining({ ...run, testOnly: true, recursions: 1 }, { log: (l) => only.push(l) });
    expect(result.step).toBe(2);
    expect(only.some((l) => l.startsWith('test at step 2 (1 videos), PSNR per recursion step: model'))).toBe(true);
  });
});

describe('runTraining resumes', () => {
  it('stopped and resumed, ends with the same weights as a run never stopped', async () => {
    await runTraining(options('whole', { steps: 6, modelSaveFreq: 100 }));
    const stopped = await runTraining(options('interrupted', { steps: 6, modelSaveFreq: 100 }), { shouldStop: () => true });
    expect(stopped).toMatchObject({ step: 1, reason: 'stopped' });
    // What a kill -9 during a checkpoint write leaves behind: a staging folder, never a half checkpoint.
    const stale = path.join(tempDir(), 'runs', 'interrupted', 'checkpoints', '.step-000000004.partial-999999999');
    await fs.mkdir(stale);
    await fs.writeFile(path.join(stale, 'weights.bin'), 'half');
    // Training time carries over a resume: pretend the first session took 1,000 s.
    const checkpointJson = (name: string, step: string) => path.join(tempDir(), 'runs', name, 'checkpoints', step, 'checkpoint.json');
    const first = JSON.parse(await fs.readFile(checkpointJson('interrupted', 'step-000000001'), 'utf8'));
    expect(first.trainer.trainingSeconds).toBeGreaterThan(0);
    first.trainer.trainingSeconds = 1000;
    await fs.writeFile(checkpointJson('interrupted', 'step-000000001'), JSON.stringify(first));
    const resumeStarted = Date.now();
    const resumed = await runTraining(options('interrupted', { steps: 6, modelSaveFreq: 100, resume: true }));
    const seconds = JSON.parse(await fs.readFile(checkpointJson('interrupted', 'step-000000006'), 'utf8')).trainer.trainingSeconds;
    expect(seconds).toBeGreaterThan(1000);
    expect(seconds).toBeLessThanOrEqual(1000 + (Date.now() - resumeStarted) / 1000);
    expect(await fs.readdir(path.dirname(stale))).toEqual(['step-000000001', 'step-000000006']);
    expect(resumed.step).toBe(6);
    const weights = (name: string) => fs.readFile(path.join(tempDir(), 'runs', name, 'checkpoints', 'step-000000006', 'weights.bin'));
    expect((await weights('interrupted')).equals(await weights('whole'))).toBe(true);

    // The single-threaded build trains the very same weights, bit for bit (wasm: its thread count can change in a process; TensorFlow's is fixed when it loads).
    if (testBackendName() !== 'wasm') return;
    await initBackend('wasm', 1);
    try {
      await runTraining(options('one-thread', { steps: 6, modelSaveFreq: 100 }));
    } finally {
      await initBackend('wasm', 2);
    }
    expect((await weights('one-thread')).equals(await weights('whole'))).toBe(true);
  });
});

describe('runTraining averages the generator', () => {
  it('keeps a running average of the generator (generatorAverageDecay): folded in every step, tested and saved as the model, resumed exactly', async () => {
    const testDir = path.join(tempDir(), 'average-test-frames');
    await writeFrameFolder(path.join(testDir, 'clip'), noiseFrames(44, 36, 6));
    const model = { ...tiny, generatorAverageDecay: 0.5, generatorLearningRate: 0.01 };
    const run = options('average', { model, adversarial: false, steps: 5, modelSaveFreq: 1, keepLast: 100, testDir, testFreq: 5, recursions: 2 });
    await runTraining(run);
    const folder = (name: string, step: number) => path.join(tempDir(), 'runs', name, 'checkpoints', `step-${String(step).padStart(9, '0')}`);
    const groupValues = async (name: string, step: number, group: string) => {
      const manifest = JSON.parse(await fs.readFile(path.join(folder(name, step), 'checkpoint.json'), 'utf8'));
      const bytes = await fs.readFile(path.join(folder(name, step), 'weights.bin'));
      const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      return manifest.tensors.filter((t: { group: string }) => t.group === group).flatMap((t: { offset: number; length: number }) => Array.from(floats.subarray(t.offset, t.offset + t.length)));
    };
    // After step n: average = d·(average after n − 1) + (1 − d)·(weights after n), d = min(0.5, (1 + n) / (10 + n)).
    for (let n = 2; n <= 5; n++) {
      const d = Math.min(0.5, (1 + n) / (10 + n));
      const [previous, weights, average] = await Promise.all([groupValues('average', n - 1, 'generator'), groupValues('average', n, 'generatorTraining'), groupValues('average', n, 'generator')]);
      expect(weights.length).toBe(average.length);
      const worst = average.reduce((m: number, a: number, i: number) => Math.max(m, Math.abs(a - (d * previous[i] + (1 - d) * weights[i]))), 0);
      expect(worst).toBeLessThan(1e-6);
      expect(average.some((a: number, i: number) => Math.abs(a - weights[i]) > 1e-4)).toBe(true);
    }
    // The recursive test at step 5 scored the average: what evaluate loads from the checkpoint.
    const jsonl = (await fs.readFile(path.join(run.runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const logged = jsonl.find((m) => 'test/psnr/recursion_2' in m)['test/psnr/recursion_2'];
    const saved = await loadTrainedModel(run.runDir);
    const scored = async (training: boolean) => {
      const generator = createGenerator(model, 9);
      await restoreCheckpoint(saved, { generator, training });
      const result = await recursiveTest({ generator, testDir, recursions: 2 });
      generator.dispose();
      return result.summary.model.psnr[1].mean;
    };
    expect(await scored(false)).toBeCloseTo(logged, 6);
    expect(Math.abs((await scored(true)) - logged)).toBeGreaterThan(1e-4);

    // Stopped after step 1 and resumed: the same average, bit for bit.
    await runTraining(options('average-resumed', { model, adversarial: false, steps: 5, modelSaveFreq: 100 }), { shouldStop: () => true });
    await runTraining(options('average-resumed', { model, adversarial: false, steps: 5, modelSaveFreq: 100, resume: true }));
    const bytes = (name: string) => fs.readFile(path.join(folder(name, 5), 'weights.bin'));
    expect((await bytes('average-resumed')).equals(await bytes('average'))).toBe(true);
  });
});

describe('runTraining stops, forks and keeps checkpoints', () => {
  it('stops on a NaN or infinite loss and keeps the last good checkpoint', async () => {
    // Learning rates near float32's limit: the weights overflow on the first updates.
    const wild = { ...tiny, generatorLearningRate: 1e38, discriminatorLearningRate: 1e38 };
    const run = options('nan', { model: wild, steps: 50, modelSaveFreq: 1, keepLast: 100 });
    const error = await runTraining(run).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as NextframeError).oneLine()).toMatch(/loss became (NaN|Infinity|-Infinity) at step \d+; stopped\. The last good checkpoint is kept in/);
    const kept = await fs.readdir(path.join(run.runDir, 'checkpoints'));
    expect(kept.length).toBeGreaterThan(0);
    const failedAt = Number(/at step (\d+)/.exec((error as Error).message)?.[1]);
    expect(kept[kept.length - 1]).toBe(`step-${String(failedAt - 1).padStart(9, '0')}`);
  });

  it('fine-tunes a non-adversarial checkpoint adversarially with a fresh discriminator, and says so', async () => {
    await runTraining(options('pretrained', { adversarial: false, steps: 2 }));
    const from = path.join(tempDir(), 'runs', 'pretrained', 'checkpoints', 'step-000000002');
    const lines: string[] = [];
    await runTraining(options('fine-tuned', { adversarial: true, steps: 3, loadPath: from }), { log: (l) => lines.push(l) });
    expect(lines).toContain(`starting from the generator in ${from} at step 2; it has no discriminator, so the discriminator starts fresh (seed 3)`);
    // It continues the step count: one adversarial step, to step 3.
    expect(await fs.readdir(path.join(tempDir(), 'runs', 'fine-tuned', 'checkpoints'))).toEqual(['step-000000003']);
    // The adversarial run's checkpoint now holds a discriminator too.
    const fineTuned = JSON.parse(await fs.readFile(path.join(tempDir(), 'runs', 'fine-tuned', 'checkpoints', 'step-000000003', 'checkpoint.json'), 'utf8'));
    expect(fineTuned.tensors.some((t: { group: string }) => t.group === 'discriminator')).toBe(true);
  });

  it("keeps the adversarial fine-tune's starting checkpoint whatever modelSaveFreq and keepLast say", async () => {
    // Step 3 is off the save frequency (2) and older than the newest keepLast (1): saved and kept all the same.
    const run = options('pinned', { adversarial: false, steps: 6, modelSaveFreq: 2, keepLast: 1, adversarialFineTune: { fromStep: 3 } });
    await runTraining(run);
    // Step 2 stays as the first of its keepEveryHours window; step 4 goes.
    expect(await fs.readdir(path.join(run.runDir, 'checkpoints'))).toEqual(['step-000000002', 'step-000000003', 'step-000000006']);
  });
});
