import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { writeFolderAtomic } from '@nextframe/files';
import { useTempDir } from '@nextframe/files/testing';
import * as tf from '@tensorflow/tfjs-core';
import { checkpointFiles, createGenerator, serializeCheckpoint } from '@nextframe/model';
import { tinyModelConfig } from '@nextframe/model/testing';
import { initTestBackend } from '@nextframe/tf-backend/testing';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const tempDir = useTempDir('curve-command', { each: true });

function nextframe(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args, '--backend', 'wasm'], { cwd, encoding: 'utf8' });
}

/** A checkpoint of the tiny network with random weights in `root/runs/NAME`, as training writes it (with its training time). */
async function writeCheckpoint(root: string, name: string, step: number, seed: number, trainingSeconds: number): Promise<void> {
  await initTestBackend();
  const generator = createGenerator(tinyModelConfig(), seed);
  // Initialised, the tiny network copies the last frame whatever its seed: move every weight.
  generator.parameters.forEach((p, i) => tf.tidy(() => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.2, 'float32', seed * 100 + i))));
  const checkpoint = await serializeCheckpoint({ generator, step, seed, trainer: { dataPosition: { epoch: 0, batch: 0 }, adversarial: false, savedAt: 1_000_000 + step, trainingSeconds } });
  generator.dispose();
  await writeFolderAtomic(path.join(root, 'runs', name, 'checkpoints', `step-${String(step).padStart(9, '0')}`), checkpointFiles(checkpoint));
}

const readJson = async (file: string) => JSON.parse(await fs.readFile(file, 'utf8'));

describe('nextframe curve', () => {
  it('evaluates every checkpoint as evaluate does, draws the curve, and on a rerun evaluates only new checkpoints', async () => {
    const root = tempDir();
    await writeFrameFolder(path.join(root, 'frames', 'a'), noiseFrames(16, 16, 7));
    await writeFrameFolder(path.join(root, 'frames', 'b'), noiseFrames(16, 16, 7));
    await writeCheckpoint(root, 'm', 3, 1, 12.5);
    await writeCheckpoint(root, 'm', 6, 2, 25);
    const first = nextframe(root, 'curve', '-n', 'm', '-t', 'frames', '-r', '2');
    expect(first.stderr).toMatch(/^backend: wasm/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^curve: m \(2 checkpoints\) → runs\/m\/curve\/report\.html, curve\.png\n\| run \| step \| training time \| PSNR 1 \/ 2 \| SSIM 1 \/ 2 \|/);
    const outDir = path.join(root, 'runs', 'm', 'curve');
    const curve = await readJson(path.join(outDir, 'curve.json'));
    expect(curve.runs[0].points.map((p: { step: number; seconds: number }) => [p.step, p.seconds])).toEqual([
      [3, 12.5],
      [6, 25],
    ]);
    expect(curve.clips).toBe(2);

    // The newest checkpoint's point is what evaluate measures for it, baselines included.
    expect(nextframe(root, 'evaluate', '-n', 'm', '-t', 'frames', '-r', '2').status).toBe(0);
    const evaluated = await readJson(path.join(root, 'runs', 'm', 'eval', 'metrics.json'));
    const means = (series: { mean: number }[]) => series.map((s) => s.mean);
    expect(curve.runs[0].points[1].psnr).toEqual(means(evaluated.summary.model.psnr));
    expect(curve.runs[0].points[1].ssim).toEqual(means(evaluated.summary.model.ssim));
    expect(curve.baselines.blank.psnr).toEqual(means(evaluated.summary.blank.psnr));
    expect(curve.baselines.copyLast.psnr).toEqual(means(evaluated.summary.copyLast.psnr));
    // Two different checkpoints give two different points.
    expect(curve.runs[0].points[0].psnr).not.toEqual(curve.runs[0].points[1].psnr);

    const png = await sharp(path.join(outDir, 'curve.png')).metadata();
    const svgHeight = (file: string) => fs.readFile(path.join(outDir, file), 'utf8').then((svg) => Number(/height="(\d+)"/.exec(svg)?.[1]));
    expect(png.height).toBe((await svgHeight('psnr.svg')) + (await svgHeight('ssim.svg')));
    expect(await fs.readFile(path.join(outDir, 'report.html'), 'utf8')).toContain('<td>m</td><td>6</td><td>25 s</td>');

    const pointFile = path.join(outDir, 'points', 'm', 'step-000000003.json');
    const before = (await fs.stat(pointFile)).mtimeMs;
    await writeCheckpoint(root, 'm', 9, 3, 40);
    expect(nextframe(root, 'curve', '-n', 'm', '-t', 'frames', '-r', '2').status).toBe(0);
    expect((await fs.stat(pointFile)).mtimeMs).toBe(before);
    expect((await readJson(path.join(outDir, 'curve.json'))).runs[0].points.map((p: { step: number }) => p.step)).toEqual([3, 6, 9]);
  });
});

describe('nextframe curve: bad input', () => {
  it.each([
    [['-t', 'frames'], 2, 'error: -n/--name RUN[,RUN...] is required (or --manifest NAME)'],
    [['-n', 'm', '-t', 'nowhere'], 1, 'error: nowhere: no such folder'],
  ])('rejects %j with exit code %i and one line', async (args, status, line) => {
    const root = tempDir();
    await writeFrameFolder(path.join(root, 'frames', 'a'), noiseFrames(16, 16, 7));
    const result = nextframe(root, 'curve', ...args);
    expect(result.stderr.trim().split('\n').pop()).toBe(line.replace('nowhere', path.join(root, 'nowhere')));
    expect(result.status).toBe(status);
  });

  it('names a run without checkpoints, writing nothing', async () => {
    const root = tempDir();
    await writeFrameFolder(path.join(root, 'frames', 'a'), noiseFrames(16, 16, 7));
    await fs.mkdir(path.join(root, 'runs', 'empty'), { recursive: true });
    const result = nextframe(root, 'curve', '-n', 'empty', '-t', 'frames');
    expect(result.stderr.trim().split('\n').pop()).toBe(`error: ${path.join(root, 'runs', 'empty')}: has no checkpoints to draw a learning curve from`);
    expect(result.status).toBe(1);
    expect(await fs.readdir(path.join(root, 'runs', 'empty'))).toEqual([]);
  });
});
