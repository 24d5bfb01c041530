import { listFrameFolders } from '@nextframe/data';
import { NextframeError } from '@nextframe/errors';
import { readImageRgb, type RgbImage } from '@nextframe/media';
import { fromBytes, scoreRecursion, summarizeMethod, type FrameMetrics, type MetricSeries } from '@nextframe/metrics';
import { predictRecursively, type Generator } from '@nextframe/model';

/**
 * The recursive test of the paper and the seed, as `nextframe evaluate` and train's periodic test
 * both run it: clips of test videos, each model fed a clip's first true frames and predicting the
 * rest recursively, every model and trivial predictor scored against the truth per step.
 */

/** `length` frames of a test video from `start` (0-based): `name` is the video's, or `<video>-f<start + 1>` with several clips per video. */
export interface TestClip {
  name: string;
  video: string;
  start: number;
  files: string[];
}

/** The clips of every test video with at least `length` frames: from its first frame, or from `clipsPerVideo` starts spread evenly over it. */
export async function listTestClips(testDir: string, length: number, clipsPerVideo = 1): Promise<TestClip[]> {
  const videos = (await listFrameFolders(testDir)).filter((v) => v.files.length >= length);
  return videos.flatMap((video) =>
    clipStarts(video.files.length - length, clipsPerVideo).map((start, _j, all) => ({
      name: all.length === 1 && start === 0 ? video.name : `${video.name}-f${start + 1}`,
      video: video.name,
      start,
      files: video.files.slice(start, start + length),
    })),
  );
}

/** `count` start frames spread evenly over 0…`last` (fewer when the video is short), each once. */
export function clipStarts(last: number, count: number): number[] {
  if (count <= 1 || last <= 0) return [0];
  return [...new Set(Array.from({ length: count }, (_, j) => Math.round((j * last) / (count - 1))))];
}

/** A clip's frames as 8-bit RGB, all of the first one's size (else one line naming the odd file). */
export async function readClipFrames(files: readonly string[]): Promise<RgbImage[]> {
  const frames: RgbImage[] = await Promise.all(files.map((f) => readImageRgb(f)));
  frames.forEach((frame, j) => {
    if (frame.width !== frames[0].width || frame.height !== frames[0].height) {
      throw new NextframeError(`frame is ${frame.width}x${frame.height} but the video's first frame is ${frames[0].width}x${frames[0].height}`, { file: files[j] });
    }
  });
  return frames;
}

/** One clip predicted and scored: its frames, each model's predictions, and per step the metrics of every model and trivial predictor. */
export interface ScoredClip {
  inputs: RgbImage[];
  truth: RgbImage[];
  predictions: Record<string, RgbImage[]>;
  /** Per recursion step, per method (each model by its key, then `copyLast`, `blank`, `meanOfInputs`). */
  steps: Record<string, FrameMetrics>[];
}

/**
 * Feed each generator (all of one history length) the clip's first frames and predict the rest
 * recursively, then score every model and trivial predictor against the true frames. `onFrame`
 * counts predicted frames over the models, in their order.
 */
export function predictAndScore(args: {
  generators: Record<string, Generator>;
  frames: readonly RgbImage[];
  tileSize?: number;
  /** Score only pixels that change by more than this between the last input and the truth ("moving" metrics); none: all pixels. */
  movingThreshold?: number;
  onFrame?: (done: number) => void;
}): ScoredClip {
  const models = Object.entries(args.generators);
  const history = models[0][1].config.historyLength;
  const inputs = args.frames.slice(0, history);
  const truth = args.frames.slice(history);
  const predictions: Record<string, RgbImage[]> = {};
  models.forEach(([name, generator], m) => {
    const onFrame = (done: number) => args.onFrame?.(m * truth.length + done);
    predictions[name] = predictRecursively(generator, inputs, truth.length, { tileSize: args.tileSize, onFrame });
  });
  const steps = scoreRecursion({
    inputs: inputs.map((f) => fromBytes(f)),
    truth: truth.map((f) => fromBytes(f)),
    predictions: Object.fromEntries(Object.entries(predictions).map(([name, frames]) => [name, frames.map((f) => fromBytes(f))])),
    movingThreshold: args.movingThreshold,
  });
  return { inputs, truth, predictions, steps };
}

/** Per method, its summaries over the clips (mean and spread per recursion step). */
export function summarizeClips<M extends string>(steps: readonly (readonly Record<string, FrameMetrics>[])[], methods: readonly M[]): Record<M, MetricSeries> {
  return Object.fromEntries(methods.map((m) => [m, summarizeMethod(steps, m)])) as Record<M, MetricSeries>;
}
