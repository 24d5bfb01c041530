import * as path from 'node:path';
import { listFrameFolders } from '@nextframe/data';
import { NextframeError } from '@nextframe/errors';
import { writeFileAtomic } from '@nextframe/files';
import { readImageRgb, resolveFfmpeg, writeImageRgb, type RgbImage } from '@nextframe/media';
import { BASELINES, fromBytes, nearBlankSteps, scoreRecursion, summarizeMethod, type BaselineName, type FrameMetrics, type MetricSeries } from '@nextframe/metrics';
import { createGenerator, predictRecursively, restoreCheckpoint, type CheckpointContent } from '@nextframe/model';
import { writeClipGif } from './clip-gif';
import { writeStrip } from './strip-image';

export interface EvaluateOptions {
  /** The model to evaluate. */
  checkpoint: CheckpointContent;
  /** How tables and plots name the model (default `model`), e.g. its run's name. */
  modelName?: string;
  /** Another model on the same clips (e.g. the non-adversarial one), as a baseline. */
  compare?: { name: string; checkpoint: CheckpointContent };
  testDir: string;
  recursions: number;
  outDir: string;
  /** Pixels whose value changes by more than this (in [0, 1]) between the last input and the truth are "moving". */
  movingThreshold: number;
  /** Clips per test video, their starts spread evenly from the first frame to the last possible (default 1: the first). */
  clipsPerVideo?: number;
  /** Frames beyond this side (plus the network's reach) are predicted in tiles of it; 0: whole. Default 256. */
  tileSize?: number;
  /** Write each clip's strip, GIF and predicted frames (default true; learning curves only need the numbers). */
  pictures?: boolean;
  /** Progress in predicted frames (clips × recursions × models), with the clip being predicted. */
  onProgress?: (done: number, total: number, video: string) => void;
}

/** `model`, the baselines, and `compare` when there is one. */
export type Method = 'model' | BaselineName | 'compare';
export type StepMetrics = Record<'model' | BaselineName, FrameMetrics> & { compare?: FrameMetrics };

export interface EvaluationReport {
  recursions: number;
  /** True frames fed before predicting. */
  historyLength: number;
  /** `name` is the video's name, or `<video>-f<first frame>` with several clips per video; `start` counts from 0. */
  clips: { name: string; video: string; start: number; width: number; height: number; strip: string; gif: string; steps: StepMetrics[] }[];
  /** Per method, per metric: mean and spread over clips, one entry per recursion step. */
  summary: Record<'model' | BaselineName, MetricSeries> & { compare?: MetricSeries };
  compareName?: string;
  /** How the model is named in tables and plots. */
  modelName?: string;
  /** Steps (1-based) where the model's PSNR is within 0.1 dB of the blank frame's, or below it. */
  nearBlank: number[];
}

/**
 * Recursive predictions on every test video long enough (history + recursions frames), from its
 * first frame (or from `clipsPerVideo` starts spread evenly over it): metrics per recursion step for the model, copying the last input frame, and the
 * comparison model; a PNG strip per clip; `metrics.json`.
 */
export async function evaluateRun(options: EvaluateOptions): Promise<EvaluationReport> {
  const config = options.checkpoint.manifest.config;
  const history = config.historyLength;
  const videos = (await listFrameFolders(options.testDir)).filter((v) => v.files.length >= history + options.recursions);
  if (videos.length === 0) {
    throw new NextframeError(`no test video has ${history + options.recursions} frames (history ${history} + ${options.recursions} recursions)`, {
      file: options.testDir,
    });
  }
  const ffmpeg = resolveFfmpeg().path;
  const generator = createGenerator(config, 0);
  await restoreCheckpoint(options.checkpoint, { generator });
  const other = options.compare ? createGenerator(options.compare.checkpoint.manifest.config, 0) : undefined;
  if (other && options.compare) await restoreCheckpoint(options.compare.checkpoint, { generator: other });
  const clipReports: EvaluationReport['clips'] = [];
  const length = history + options.recursions;
  const clips = videos.flatMap((video) => clipStarts(video.files.length - length, options.clipsPerVideo ?? 1).map((start, _j, all) => ({ video, start, name: all.length === 1 && start === 0 ? video.name : `${video.name}-f${start + 1}` })));
  try {
    for (const [i, { video, start, name }] of clips.entries()) {
      const frames = await readClipFrames(video.files.slice(start, start + length));
      const inputs = frames.slice(0, history);
      const truth = frames.slice(history);
      const models = other ? 2 : 1;
      const perClip = models * options.recursions;
      const tick = (offset: number) => (n: number) => options.onProgress?.(i * perClip + offset + n, clips.length * perClip, name);
      const predictions = predictRecursively(generator, inputs, options.recursions, { tileSize: options.tileSize, onFrame: tick(0) });
      const compared = other ? predictRecursively(other, inputs, options.recursions, { tileSize: options.tileSize, onFrame: tick(options.recursions) }) : undefined;
      const steps = scoreRecursion({
        inputs: inputs.map((f) => fromBytes(f)),
        truth: truth.map((f) => fromBytes(f)),
        predictions: { model: predictions.map((f) => fromBytes(f)), ...(compared ? { compare: compared.map((f) => fromBytes(f)) } : {}) },
        movingThreshold: options.movingThreshold,
      }) as StepMetrics[];
      const strip = path.join('clips', `${name}.png`);
      const gif = path.join('clips', `${name}.gif`);
      if (options.pictures !== false) await writeClipPictures(options.outDir, name, ffmpeg, { inputs, predictions, truth });
      clipReports.push({ name, video: video.name, start, width: frames[0].width, height: frames[0].height, strip, gif, steps });
    }
  } finally {
    generator.dispose();
    other?.dispose();
  }
  return writeReport(options, history, clipReports);
}

/** A clip's frames as 8-bit RGB, all of the first one's size (else one line naming the odd file). */
async function readClipFrames(files: string[]): Promise<RgbImage[]> {
  const frames: RgbImage[] = await Promise.all(files.map((f) => readImageRgb(f)));
  frames.forEach((frame, j) => {
    if (frame.width !== frames[0].width || frame.height !== frames[0].height) {
      throw new NextframeError(`frame is ${frame.width}x${frame.height} but the video's first frame is ${frames[0].width}x${frames[0].height}`, { file: files[j] });
    }
  });
  return frames;
}

/** `clips/<name>.png` (inputs | predictions | truth), `clips/<name>.gif` and `clips/<name>/pred_<k>.png`. */
async function writeClipPictures(outDir: string, name: string, ffmpeg: string, frames: { inputs: RgbImage[]; predictions: RgbImage[]; truth: RgbImage[] }): Promise<void> {
  const { inputs, predictions, truth } = frames;
  await writeStrip(path.join(outDir, 'clips', `${name}.png`), [inputs, predictions, truth]);
  await writeClipGif({ ffmpeg, file: path.join(outDir, 'clips', `${name}.gif`), inputs, predictions, truth });
  for (const [k, p] of predictions.entries()) await writeImageRgb(path.join(outDir, 'clips', name, `pred_${k + 1}.png`), p);
}

/** The summaries over clips per method, and `metrics.json`. */
async function writeReport(options: EvaluateOptions, history: number, clipReports: EvaluationReport['clips']): Promise<EvaluationReport> {
  const perClip = clipReports.map((c) => c.steps as unknown as Record<string, FrameMetrics>[]);
  const methods: Method[] = ['model', ...BASELINES, ...(options.compare ? (['compare'] as const) : [])];
  const summary = Object.fromEntries(methods.map((m) => [m, summarizeMethod(perClip, m)])) as EvaluationReport['summary'];
  const report: EvaluationReport = {
    recursions: options.recursions,
    historyLength: history,
    clips: clipReports,
    summary,
    compareName: options.compare?.name,
    modelName: options.modelName,
    nearBlank: nearBlankSteps(summary.model.psnr, summary.blank.psnr),
  };
  // JSON has no NaN (empty masks, flat truths): write it as a string.
  const json = JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2);
  await writeFileAtomic(path.join(options.outDir, 'metrics.json'), `${json}\n`);
  return report;
}

/** `count` start frames spread evenly over 0…`last` (fewer when the video is short), each once. */
export function clipStarts(last: number, count: number): number[] {
  if (count <= 1 || last <= 0) return [0];
  return [...new Set(Array.from({ length: count }, (_, j) => Math.round((j * last) / (count - 1))))];
}
