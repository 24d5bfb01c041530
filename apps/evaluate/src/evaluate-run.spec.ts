import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { useTempDir } from '@nextframe/files/testing';
import { resolveFfprobe } from '@nextframe/media';
import { tinyCheckpoint } from '@nextframe/model/testing';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { evaluateRun, type EvaluationReport } from './evaluate-run';
import { reportHtml } from './report-html';
import { summaryTable } from './summary-table';

const tempDir = useTempDir('evaluate');

beforeAll(async () => {
  await initTestBackend();
});

// One evaluation of a 7-frame noise video (4 inputs, 3 recursions), checked three ways below.
const frames = noiseFrames(24, 20, 7);
let outDir = '';
let report: EvaluationReport;
beforeAll(async () => {
  const testDir = path.join(tempDir(), 'test');
  await writeFrameFolder(path.join(testDir, 'v'), frames);
  const checkpoint = await tinyCheckpoint({ step: 5, seed: 1 });
  outDir = path.join(tempDir(), 'eval');
  report = await evaluateRun({ checkpoint, testDir, recursions: 3, outDir, movingThreshold: 0.1 });
});

describe('evaluateRun: metrics', () => {
  it('gives every metric for every recursion step, the trivial predictors matching hand computations', () => {
    expect(report.clips).toHaveLength(1);
    expect(report.clips[0].steps).toHaveLength(3);
    for (const step of report.clips[0].steps) {
      for (const m of [step.model, step.copyLast, step.blank, step.meanOfInputs]) {
        expect(Number.isFinite(m.psnr) && Number.isFinite(m.sharpnessDifference) && Number.isFinite(m.ssim)).toBe(true);
        expect(m.moving?.pixels).toBeGreaterThan(0);
      }
    }
    // Copying frame 4 (index 3) against frame 5 + k, by hand: 10·log10(1 / mean((a − b)²)) on [0, 1] pixels.
    for (let k = 0; k < 3; k++) {
      const a = frames[3].data;
      const b = frames[4 + k].data;
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += ((a[i] - b[i]) / 255) ** 2;
      expect(report.clips[0].steps[k].copyLast.psnr).toBeCloseTo(10 * Math.log10(1 / (sum / a.length)), 4);
      // Blank: the truth's own mean square; mean of inputs: the mean of frames 1-4 against it.
      let blank = 0;
      let mean = 0;
      for (let i = 0; i < b.length; i++) {
        blank += (b[i] / 255) ** 2;
        mean += ((frames[0].data[i] + frames[1].data[i] + frames[2].data[i] + a[i]) / 4 / 255 - b[i] / 255) ** 2;
      }
      expect(report.clips[0].steps[k].blank.psnr).toBeCloseTo(10 * Math.log10(1 / (blank / b.length)), 4);
      expect(report.clips[0].steps[k].blank.sharpnessRatio).toBe(0);
      expect(report.clips[0].steps[k].meanOfInputs.psnr).toBeCloseTo(10 * Math.log10(1 / (mean / b.length)), 4);
    }
    expect(report.summary.model.psnr).toHaveLength(3);
    expect(report.summary.blank.psnr[2].mean).toBeCloseTo(report.clips[0].steps[2].blank.psnr, 10);
    expect(report.summary.copyLast.psnr[0].mean).toBeCloseTo(report.clips[0].steps[0].copyLast.psnr, 10);
  });
});

describe('evaluateRun: files and report', () => {
  it('writes metrics.json, the strip, the GIF and the predicted frames', async () => {
    const metrics = JSON.parse(await fs.readFile(path.join(outDir, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.summary)).toEqual(['model', 'copyLast', 'blank', 'meanOfInputs']);
    expect(Object.keys(metrics.summary.model)).toEqual(['psnr', 'sharpnessDifference', 'sharpnessRatio', 'ssim', 'movingPsnr', 'brightest']);
    expect(metrics.nearBlank).toEqual(report.nearBlank);
    const strip = await fs.stat(path.join(outDir, 'clips', 'v.png'));
    expect(strip.size).toBeGreaterThan(0);
    const gif = await fs.readFile(path.join(outDir, 'clips', 'v.gif'));
    expect(gif.subarray(0, 6).toString()).toBe('GIF89a');
    // 4 input frames, then 3 of prediction | truth; 24×20 frames side by side with a 4 px gap, enlarged 4×.
    const counted = execFileSync(resolveFfprobe().path, ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'csv=p=0', path.join(outDir, 'clips', 'v.gif')], {
      encoding: 'utf8',
    });
    expect(counted.trim()).toBe(`${(2 * 24 + 4) * 4},${20 * 4},7`);
    expect((await fs.readdir(path.join(outDir, 'clips', 'v'))).sort()).toEqual(['pred_1.png', 'pred_2.png', 'pred_3.png']);
  });

  it('reports in HTML and in a console table, saying when the model is no better than a blank frame', () => {
    const html = reportHtml(report, { title: 'test <run>', strips: { [report.clips[0].strip]: 'data:image/png;base64,AAAA' } });
    expect(html).toContain('<title>test &lt;run&gt;</title>');
    expect(html.match(/<svg /g)).toHaveLength(6);
    for (const name of ['copy last frame', 'blank frame', 'mean of inputs']) expect(html).toContain(`<th>${name}</th>`);
    expect(html).toContain('src="data:image/png;base64,AAAA"');
    // A model that is no better than black at steps 3 and 4 is said so in words, in the report and on the console.
    const degenerate = { ...report, nearBlank: [3, 4] };
    expect(reportHtml(degenerate, { title: 't', strips: {} })).toContain('At recursion steps 3, 4 the model is within 0.1 dB of a blank (black) frame');
    const table = summaryTable(degenerate).split('\n');
    expect(table[0]).toMatch(/step +PSNR model +PSNR copy last frame +PSNR blank frame +PSNR mean of inputs +sharpness ratio model/);
    expect(table[1]).toContain(`${report.summary.blank.psnr[0].mean.toFixed(2)} dB`);
    expect(table[4]).toBe('warning: at steps 3, 4 the model is within 0.1 dB of a blank frame (or below): it has most likely lost the moving objects; look at the strips');
  });
});

describe('evaluateRun: clips per video, and videos too short', () => {
  it('takes several clips per video, starts spread evenly, each with its own metrics and pictures', async () => {
    const testDir = path.join(tempDir(), 'several');
    const frames = noiseFrames(16, 12, 12);
    await writeFrameFolder(path.join(testDir, 'v'), frames);
    const checkpoint = await tinyCheckpoint({ step: 1, seed: 1 });
    const outDir = path.join(tempDir(), 'eval-several');
    const progress: string[] = [];
    const report = await evaluateRun({ checkpoint, testDir, recursions: 2, outDir, movingThreshold: 0.1, clipsPerVideo: 3, onProgress: (done, total, clip) => progress.push(`${done}/${total} ${clip}`) });
    // 12 frames, 6 per clip: starts 0, 3 and 6 (the last possible).
    expect(report.clips.map((c) => [c.name, c.video, c.start])).toEqual([['v-f1', 'v', 0], ['v-f4', 'v', 3], ['v-f7', 'v', 6]]);
    expect(progress).toEqual(['1/6 v-f1', '2/6 v-f1', '3/6 v-f4', '4/6 v-f4', '5/6 v-f7', '6/6 v-f7']);
    // The clip from frame 4 (index 3): inputs 3…6, copying frame index 6 against index 7 + k.
    for (let k = 0; k < 2; k++) {
      const a = frames[6].data;
      const b = frames[7 + k].data;
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += ((a[i] - b[i]) / 255) ** 2;
      expect(report.clips[1].steps[k].copyLast.psnr).toBeCloseTo(10 * Math.log10(1 / (sum / a.length)), 4);
    }
    expect(report.summary.copyLast.psnr[0].count).toBe(3);
    expect((await fs.readdir(path.join(outDir, 'clips'))).sort()).toEqual(['v-f1', 'v-f1.gif', 'v-f1.png', 'v-f4', 'v-f4.gif', 'v-f4.png', 'v-f7', 'v-f7.gif', 'v-f7.png']);
  });

  it('names a test folder without long enough videos', async () => {
    const testDir = path.join(tempDir(), 'short');
    await writeFrameFolder(path.join(testDir, 'v'), noiseFrames(24, 20, 5));
    const checkpoint = await tinyCheckpoint({ step: 0, seed: 1 });
    await expect(evaluateRun({ checkpoint, testDir, recursions: 3, outDir: path.join(tempDir(), 'e2'), movingThreshold: 0.1 })).rejects.toThrow(
      'no test video has 7 frames (history 4 + 3 recursions)',
    );
  });
});
