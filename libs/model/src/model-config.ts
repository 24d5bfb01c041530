import { z } from 'zod';
import { DISCRIMINATOR_CLIP_GRADIENTS, DISCRIMINATOR_OPTIMIZERS, DOWNSAMPLINGS, FLOW_WARPS, INITIALIZATIONS, LOSS_REDUCTIONS, SPLAT_COVERAGES } from './model-options';

/**
 * The networks and their training settings: one typed object, each field described once, here
 * (`.describe()`: `nextframe train --describe-model` prints them). The schema is the one check of
 * `--set`, a manifest's `stages.train.model` and a checkpoint's `checkpoint.json`, so a bad value
 * is a one-line error naming the field instead of a TensorFlow.js internal error half-way into a
 * run. The `spec` preset (presets.ts) is exactly `docs/model-spec.md`; `paper` is its networks
 * with the training that learns, and every field that departs from the spec says how and why.
 */

const positive = z.number().positive();
const nonNegative = z.number().min(0);
const sizes = z.array(z.int().min(1)).min(1);
const kernels = z.array(z.int().min(1).max(31)).min(1);

export const generatorScaleSchema = z
  .strictObject({
    featureMaps: sizes.describe('`[in, …, 3]`: the first is the input channels (12 at scale 0, 15 above), the last 3 (RGB).'),
    kernelSizes: kernels.describe('One per conv: `featureMaps.length − 1`.'),
  })
  .describe('One generator scale: conv feature maps (input channels first) and kernel sizes.');

export const discriminatorScaleSchema = z
  .strictObject({
    featureMaps: sizes.describe('`[in, …]`: the first is the input channels (3, or 3·(history+1) when conditional).'),
    kernelSizes: kernels.describe('One per conv: `featureMaps.length − 1`.'),
    fullyConnected: sizes.describe('Fully connected sizes, the last 1.'),
  })
  .describe('One discriminator scale: VALID convs, one 2×2 max-pool, fully connected layers.');

export const modelConfigSchema = z.strictObject({
  preset: z.string().min(1).describe('Which preset these values started from.'),
  historyLength: z.int().min(1).max(32).describe('Input frames (spec: 4).'),
  patchSizePx: z.int().min(8).max(4096).describe('Side of the training patches (spec: 32); scale k works at patch / 2^(3−k).'),
  generator: z.array(generatorScaleSchema).min(1).describe('The generator\'s scales, coarsest first (spec: 4; scale k works at patch / 2^(scales − 1 − k)).'),
  discriminator: z.array(discriminatorScaleSchema).min(1).describe('The discriminator\'s scales, coarsest first, one per generator scale.'),
  residualScales: z.boolean().describe(
    'Paper eq. 2: scale k predicts a residual added to the upsampled coarser prediction (the port ' +
      'predicted each scale directly). Default true.',
  ),
  conditionalDiscriminator: z.boolean().describe(
    'Paper §2.2: the discriminator sees the history frames and the frame to judge (the port: the frame ' +
      'only).',
  ),
  lpWeight: nonNegative.describe('λ_lp, the weight of the Lp loss (spec: 1).'),
  lpExponent: positive.describe('p of the Lp loss (spec: 2).'),
  gdlWeight: nonNegative.describe('λ_gdl, the weight of the gradient difference loss (spec: 1).'),
  gdlExponent: positive.describe('α of the gradient difference loss (spec: 1).'),
  adversarialWeight: nonNegative.describe('λ_adv, the weight of the adversarial term (spec: 0.05).'),
  lossReduction: z.enum(LOSS_REDUCTIONS).describe(
    '`sum` (the port, the spec): Lp and GDL summed over every pixel of the batch, cross-entropies over ' +
      "the batch. `mean`: means instead, as the authors' Torch criteria average. With sums, Lp is ~10⁴ " +
      'times the adversarial term at 32×32, so λ_adv = 0.05 leaves the discriminator almost no say (issue ' +
      "#11); with means λ_adv weighs what the paper meant. Adam's steps do not depend on the loss's scale, " +
      'so non-adversarial training is the same either way.',
  ),
  generatorLearningRate: positive.describe("Adam learning rate of the generator (port: 0.00004; the paper's 0.04 → 0.005 is a schedule option)."),
  generatorLearningRateSchedule: z.array(z.strictObject({ fromStep: z.int().min(0), learningRate: positive })).optional().describe('Optional piecewise-constant schedule `[{ fromStep, learningRate }]` for the generator.'),
  discriminatorLearningRate: positive.describe('Learning rate of the discriminator (spec: 0.02, with plain gradient descent).'),
  discriminatorOptimizer: z.enum(DISCRIMINATOR_OPTIMIZERS).describe(
    "The discriminator's optimiser. `sgd` (the spec, the port): plain gradient descent. `adam`: Adam, as " +
      'the generator; with summed BCE and a discriminator starting at 0.5, plain descent at 0.02 moved it ' +
      'too slowly to tell real from generated within a few hundred steps (issue #11).',
  ),
  discriminatorClip: z
    .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
    .refine(([low, high]) => low < high, 'needs [low, high] with low < high').describe('Discriminator outputs are clipped to this range (spec: [0.1, 0.9]).'),
  discriminatorClipGradient: z.enum(DISCRIMINATOR_CLIP_GRADIENTS).describe(
    'What gradient the output clip passes. `zero` (the spec: a plain clip): none beyond the range, so a ' +
      'discriminator that once answers above 0.9 (or below 0.1) to everything gets no gradient and stays ' +
      "there for good — it did, at discriminator learning rate 0.005 (issue #11), and the generator's " +
      'adversarial term goes flat with it. `pass`: the clipped value forward, the gradient as if unclipped ' +
      '(straight-through), so the clip only keeps the logarithms finite.',
  ),
  discriminatorLeak: z.number().min(0).max(1).describe(
    "Negative slope of the discriminator's hidden activations: 0 is ReLU (the spec), 0.2 a leaky ReLU. " +
      "With Adam's first, sign-sized updates a whole ReLU layer of the finest scale died in the demo's " +
      'adversarial fine-tune (every unit 0 on every input: that scale answered 0.5 to everything for good, ' +
      'issue #11); a leaky unit always passes a gradient, as in DCGAN.',
  ),
  rolloutSteps: z.int().min(1).max(16).describe(
    'Frames the generator predicts in a row per training clip, each from its own previous prediction (1: ' +
      'the paper, one frame from true frames). Trained on one step only, a model never sees its own ' +
      'slightly-wrong frames as input, yet recursion feeds them back: on Moving MNIST its errors compounded ' +
      "and steps 3–4 fell to the blank frame's PSNR however long it trained (issue #11, " +
      '`docs/experiments.md`). k > 1 needs clips of `historyLength + k` frames (`nextframe crop --history` ' +
      "history + k − 1) and costs about k times the generator's work.",
  ),
  initialization: z.enum(INITIALIZATIONS).describe(
    'How weights and biases start (see `initialization.ts`). `port`: truncated normal σ `initStdDev`, ' +
      "biases `initBias` (the spec; the TensorFlow port's choice). `torch`: the authors' Torch code, " +
      "Torch's default, weights and biases uniform in ±1/√fan-in. `he`: normal σ √(2/fan-in), biases 0 (He " +
      'et al. 2015, for ReLU). `glorot`: uniform in ±√(6/(fan-in + fan-out)), biases 0. With σ 0.01 a deep ' +
      "ReLU stack's signal shrinks ~100× per layer, so the discriminator starts answering 0.5 to everything " +
      'and stays there (issue #11).',
  ),
  initStdDev: positive.describe('`port` initialisation: weights ~ truncated normal with this standard deviation (spec: 0.01).'),
  initBias: z.number().describe('`port` initialisation: initial biases (the port: 0.1).'),
  downsampling: z.enum(DOWNSAMPLINGS).describe(
    'How frames are shrunk to the coarse scales. `bilinear` (the port): `resizeBilinear`, which at exact ' +
      'factors of 2 picks one pixel in 4 (aliasing: a thin stroke can vanish at 1/8 scale). `area`: the ' +
      'mean of each 2^k × 2^k block, what the coarse scale should see.',
  ),
  predictChange: z.boolean().describe(
    'Predict the change to the last input frame instead of the frame: each scale outputs last frame + ' +
      'change (the change built across scales as the frames are with `residualScales`), and the last layer ' +
      'of each scale starts at zero, so a fresh model already equals copying the last frame. Most of a real ' +
      'frame does not move; rebuilding every pixel through tanh starts far from "nothing changes" (issue ' +
      '#11).',
  ),
  changeScale: z.number().min(0.5).max(4).describe(
    'With `predictChange`, the last layer of each scale outputs `changeScale · tanh(z)`. A pixel in [-1, ' +
      '1] that goes from black to white changes by +2, but tanh alone stops short of ±1: a stroke that ' +
      "moves onto black could then only be half lit by the finest scale, and the coarse scales' blurry " +
      'change cannot make up the rest at a thin stroke. 2 covers every change (issue #20); 1 is plain tanh, ' +
      'as before.',
  ),
  flowPx: z.number().min(0).max(16).describe(
    '0: off. Above 0, each scale predicts a flow (per-pixel displacement, in pixels of its own size: the ' +
      "coarser scale's flow doubled plus at most `flowPx` more) and its prediction is the last frame warped " +
      'by it (bilinear, `warpBilinear`), plus a change as with `predictChange` if that is on (the last ' +
      'layer then has 5 channels, else 2, whatever `featureMaps` ends with). Moving content keeps its shape ' +
      'by construction; the flow starts at zero (copy-last).',
  ),
  flowWarp: z.enum(FLOW_WARPS).describe(
    "How a flow moves the last frame (with `flowPx` > 0). 'backward': each output pixel samples the last " +
      'frame at itself + flow (`warpBilinear`): the flow must be known where a thing arrives, ahead of a ' +
      'moving digit on the empty background, so a flow that fades off the digit shrinks and slows it. ' +
      "'forward': each pixel of the last frame is carried to itself + flow and splatted bilinearly " +
      '(`splatBilinear`, on pixels in [0, 1], so a place nothing lands on is black and two things landing ' +
      'on one place add): the flow is needed only where the thing is now.',
  ),
  splatCoverage: z.enum(SPLAT_COVERAGES).describe(
    "With `flowWarp` 'forward', what a pixel gets from the splat. `sum`: the sum of what lands on it " +
      '(nothing: black; two things: brighter). `normalize`: divided by the weight that landed where that is ' +
      'over 1, so things that crowd together keep their brightness. `fill`: that, and the part of a pixel ' +
      "nothing covers takes the last frame's value there, so background a moving thing uncovers is not torn " +
      'open to black (issue #20, real footage).',
  ),
  priorFlowSpan: z.int().min(0).max(15).describe(
    '0: off. N > 0 (with `flowPx`): a constant-velocity prior. The motion the inputs show, the last ' +
      "frame's displacement from the frame N steps earlier found by block matching (`velocityFlow`: " +
      '`priorFlowWindowPx` windows, up to `priorFlowRadiusPx` per step) divided by N, is added to every ' +
      "scale's learned flow (averaged down to its size), so a fresh model already carries each pixel on at " +
      'the speed it came with and the network learns only what differs (bounces, crossings). A learned flow ' +
      "that had to find a digit's speed itself moved it too little (issue #20).",
  ),
  priorFlowRadiusPx: z.int().min(1).max(16).describe(
    'The fastest motion the prior looks for, in pixels per frame (the search radius is this × ' +
      '`priorFlowSpan`).',
  ),
  priorFlowWindowPx: z.int().min(1).max(31).refine((n) => n % 2 === 1, 'must be odd').describe(
    'The side of the square over which block matching compares a displacement (odd, 7 by default). A ' +
      'wider window sees past the inside of a thick stroke (where a narrow one finds any shift along it as ' +
      'good as the true one) and past the overlap of two things, so an overlapping pair is kept together ' +
      'and in place instead of spread (issue #20: 15 in the demo).',
  ),
  priorFlowSmoothPx: z.int().min(0).max(31).describe(
    '0: each pixel keeps its own matched velocity. N > 0: the prior is averaged over N×N pixels, weighted ' +
      "by the last frame's brightness (`velocityFlow`), so a digit's pixels move as one.",
  ),
  priorFlowInput: z.boolean().describe(
    "With `priorFlowSpan`: each scale's network also sees the prior's flow (2 more input channels than " +
      'its `featureMaps[0]`), so it can learn where the prior is wrong instead of guessing blind.',
  ),
  moveBlurPx: z.number().min(0).max(8).describe(
    '0: off. σ > 0 (with `flowPx`): what the flow moves is blurred by a Gaussian of σ pixels (of the ' +
      'full-size frame) before it lands, blended by how far it moves (`blurMoving`: fully from 1 px per ' +
      'step, not at all where the flow is 0, so still content stays exact). A sharp digit a fraction of a ' +
      'pixel off costs its stroke twice under an Lp loss; a slightly soft one less, and feeding the soft ' +
      'frame back softens each further step more, as the uncertainty grows (issue #20).',
  ),
  priorGate: z.boolean().describe(
    'With `priorFlowSpan`: the learned flow and change are multiplied by min(1, |prior|²), so they act ' +
      'only where the prior sees motion (a pixel per step or more: fully). Where nothing moved the ' +
      'prediction is the last frame exactly: no haze on a still background for the adversarial fine-tune to ' +
      "draw, and a still camera's frame that repeats is predicted as copy-last predicts it.",
  ),
  priorConfidence: z.boolean().describe(
    "With `priorFlowSpan`: each scale's network has one more output channel c, and the prior it adds (and " +
      'gates by) is weighed by min(1, 2·sigmoid(c)): 1 (the prior as it is) at the start, down to 0 where ' +
      'the network learns the prior misleads — motion that stops, a texture block matching cannot follow — ' +
      'so the prediction there falls back to the last frame (issue #20).',
  ),
  generatorAverageDecay: z.number().min(0).lt(1).describe(
    "Keep an exponential moving average of the generator's weights with this decay (0: none; the spec has " +
      'none), as `tf.train.ExponentialMovingAverage` with `num_updates`. Checkpoints store the average as ' +
      'the generator that evaluate, export and the recursive test predict with, and the weights training ' +
      "continues from beside it. Each step's weights carry the noise of Adam's steps and of the adversarial " +
      'game; averaging over the last ~1/(1 − decay) steps gave the demo +0.1 dB (non-adversarial) and +0.2 ' +
      'to +0.4 dB with sharper digits (adversarial) on held-out Moving MNIST (issue #20, ' +
      'docs/experiments.md).',
  ),
  clipFeedback: z.boolean().describe(
    'In recursive prediction, clip each predicted frame to [-1, 1] before feeding it back. An unclipped ' +
      'residual output can leave the pixel range and the error compounds step by step.',
  ),
  freeOvershoot: z.boolean().describe(
    'Lp and GDL do not count the error of a prediction past a target at an end of the pixel range (black ' +
      'or white) beyond that end: every use of a prediction clips it to [-1, 1] there, so overshooting a ' +
      'black background costs nothing, while falling short of it (a grey haze) does. Without it a ' +
      'prediction is pulled back to exactly −1 from both sides, and the unavoidable scatter around it ' +
      'leaves half of the background grey (issue #20).',
  ),
  discriminatorOutputStdDev: z.number().min(0).max(1).describe(
    "σ of the discriminator's output layer weights at the start (0: zero, D answers 0.5 to all). From " +
      "zero no gradient reaches the layers below it until those weights grow, and the finest scale's deep " +
      'stack stayed at chance through short fine-tunes (issue #20); small random weights (0.01) keep the ' +
      'output near 0.5 and let every layer learn from the first step.',
  ),
  batchSize: z.int().min(1).max(4096).describe('Clips per training batch (spec: 8).'),
});

export type ModelConfig = z.output<typeof modelConfigSchema>;
export type GeneratorScaleConfig = z.output<typeof generatorScaleSchema>;
export type DiscriminatorScaleConfig = z.output<typeof discriminatorScaleSchema>;

export {
  DISCRIMINATOR_CLIP_GRADIENTS,
  DISCRIMINATOR_OPTIMIZERS,
  DOWNSAMPLINGS,
  FLOW_WARPS,
  INITIALIZATIONS,
  LOSS_REDUCTIONS,
  type DiscriminatorClipGradient,
  type DiscriminatorOptimizer,
  type Downsampling,
  type FlowWarp,
  type Initialization,
  type LossReduction,
} from './model-options';

/** Side of scale k's images for a given full size: size / 2^(scales − 1 − k). */
export function scaleSize(sizePx: number, scale: number, scales: number): number {
  return sizePx / 2 ** (scales - 1 - scale);
}
