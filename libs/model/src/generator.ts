import * as tf from '@tensorflow/tfjs-core';
import { scaleSize, type ModelConfig } from './model-config';
import { velocityFlow } from './block-match';
import { downsample } from './downsample';
import { cropTo, padToMultiple } from './frame-io';
import { initLayer, type Parameter } from './parameters';
import { splatCovered } from './splat';
import { blurMoving } from './move-blur';
import { warpBilinear } from './warp';

export interface Generator {
  config: ModelConfig;
  parameters: Parameter[];
  /**
   * Per-scale predictions, coarsest first: scale k is `[B, H/2^(S−1−k), W/2^(S−1−k), 3]`.
   * `history` is `[B, H, W, 3·historyLength]` in [-1, 1], oldest frame first; H and W must be
   * multiples of 2^(S−1) (8 for 4 scales). `releaseEarly` (inference only: gradients need the
   * intermediates) frees each layer's input as soon as the next layer is computed, so peak memory
   * is about two layers' activations instead of a whole scale's.
   */
  predictScales(history: tf.Tensor4D, options?: { releaseEarly?: boolean }): tf.Tensor4D[];
  /** The finest prediction for frames of any size (reflect-padded to a multiple of 8, cropped back). */
  predict(history: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}

/** Set (true) by @nextframe/tf-backend where one clip should be predicted as the first of a pair (see `predictScales`). */
export const ONE_CLIP_AS_PAIR_FLAG = 'NEXTFRAME_ONE_CLIP_AS_PAIR';

interface ConvLayer {
  weights: tf.Variable;
  bias: tf.Variable;
}

/** The last layer's output channels: 2 (flow) or 5 (flow and change) with flowPx, +1 with priorConfidence, else the config's. */
function outputChannels(config: ModelConfig, configured: number): number {
  if (config.flowPx <= 0) return configured;
  return (config.predictChange ? 5 : 2) + (config.priorConfidence ? 1 : 0);
}

/**
 * The multi-scale generator (paper §2, spec "Generator"): scale 0 sees the history resized to
 * its size; scale k > 0 sees it with the upsampled prediction of scale k − 1. SAME convolutions
 * with ReLU, the last of each scale tanh. With `residualScales`, scale k adds its output to the
 * upsampled coarser prediction (paper eq. 2).
 */
export function createGenerator(config: ModelConfig, seed: number): Generator {
  checkFlowOptions(config);
  const parameters: Parameter[] = [];
  const scales = buildScales(config, seed, parameters);
  const multiple = 2 ** (scales.length - 1);
  const predictScales = (history: tf.Tensor4D, options: { releaseEarly?: boolean } = {}) => predictScalesOf(config, scales, history, options);
  const predict = (history: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      const [, height, width] = history.shape;
      const scalesOut = predictScales(padToMultiple(history, multiple), { releaseEarly: true });
      return cropTo(scalesOut[scalesOut.length - 1], height, width);
    });
  return {
    config,
    parameters,
    predictScales,
    predict,
    dispose: () => parameters.forEach((p) => p.variable.dispose()),
  };
}

/** The prior's and the blur's options need a flow to act on; one line each when they have none. */
function checkFlowOptions(config: ModelConfig): void {
  const flow = config.flowPx > 0;
  if (config.priorGate && config.priorFlowSpan <= 0) throw new RangeError('priorGate needs priorFlowSpan > 0 (it gates by the prior\'s motion)');
  if (config.priorConfidence && config.priorFlowSpan <= 0) throw new RangeError('priorConfidence needs priorFlowSpan > 0 (it weighs the prior)');
  if (config.moveBlurPx > 0 && !flow) throw new RangeError(`moveBlurPx ${config.moveBlurPx} needs flowPx > 0 (it blurs what a flow moves)`);
  if (config.priorFlowSpan > 0 && !flow) throw new RangeError(`priorFlowSpan ${config.priorFlowSpan} needs flowPx > 0 (the prior adds to a predicted flow)`);
}

/** priorFlowInput: each scale also sees the prior's flow, 2 more input channels than featureMaps[0]. */
function priorChannelsOf(config: ModelConfig): number {
  return config.priorFlowSpan > 0 && config.priorFlowInput ? 2 : 0;
}

/** Every scale's convolutions, initialised from `seed`, their variables appended to `parameters` in order. */
function buildScales(config: ModelConfig, seed: number, parameters: Parameter[]): ConvLayer[][] {
  const flow = config.flowPx > 0;
  const priorChannels = priorChannelsOf(config);
  return config.generator.map((scale, k) =>
    scale.kernelSizes.map((kernel, i) => {
      const last = i === scale.kernelSizes.length - 1;
      const [w, b] = initLayer({
        prefix: `generator/scale${k}/conv${i}`,
        shape: [kernel, kernel, scale.featureMaps[i] + (i === 0 ? priorChannels : 0), last ? outputChannels(config, scale.featureMaps[i + 1]) : scale.featureMaps[i + 1]],
        initialization: config.initialization,
        stdDev: config.initStdDev,
        bias: config.initBias,
        seed,
        // A change- or flow-predicting scale starts by predicting no change (copy-last).
        zero: (config.predictChange || flow) && last,
      });
      parameters.push(w, b);
      return { weights: w.variable, bias: b.variable };
    }),
  );
}

/** One scale's convolutions; the last is linear with flowPx (tanh per part in flowOutput), else tanh (× changeScale). */
function convStack(config: ModelConfig, layers: ConvLayer[], input: tf.Tensor4D, releaseEarly: boolean, keep: tf.Tensor[]): tf.Tensor4D {
  const flow = config.flowPx > 0;
  let x = input;
  layers.forEach((layer, i) => {
    const layerOutput = () => {
      const z = tf.add(tf.conv2d(x, layer.weights as tf.Tensor4D, 1, 'same'), layer.bias) as tf.Tensor4D;
      if (i < layers.length - 1) return tf.relu(z);
      if (flow) return z;
      return config.predictChange && config.changeScale !== 1 ? (tf.mul(tf.tanh(z), config.changeScale) as tf.Tensor4D) : tf.tanh(z);
    };
    if (!releaseEarly) {
      x = layerOutput();
      return;
    }
    const next = tf.tidy(layerOutput);
    if (!keep.includes(x)) x.dispose();
    x = next;
  });
  return x;
}

/** `last` carried along `moved` by splatting on pixels in [0, 1], each pixel's coverage treated as `splatCoverage` says. */
function forwardWarp(config: ModelConfig, last: tf.Tensor4D, moved: tf.Tensor4D): tf.Tensor4D {
  return tf.sub(tf.mul(splatCovered(tf.mul(tf.add(last, 1), 0.5) as tf.Tensor4D, moved, config.splatCoverage), 2), 1) as tf.Tensor4D;
}

/** A scale's prediction, flow and warped frame, for the next scale to build on. */
interface FlowStep {
  prediction: tf.Tensor4D;
  flow: tf.Tensor4D;
  warped: tf.Tensor4D;
}

/**
 * flowPx: the scale's flow is the coarser flow upsampled (×2: in this scale's pixels) plus
 * flowPx·tanh of the first 2 output channels; the prediction is the last frame warped by it
 * (`flowWarp` 'backward') or carried along it ('forward', splatted on pixels in [0, 1]),
 * plus, with predictChange, a change built across scales as without flow. `prior` (priorFlowSpan)
 * adds to the learned flow for the move only: the next scale builds on the learned part.
 * `sigma` > 0 (moveBlurPx at this scale): what moves is blurred by it (`blurMoving`).
 */
function flowOutput(config: ModelConfig, z: tf.Tensor4D, last: tf.Tensor4D, size: [number, number], coarser?: FlowStep, prior?: tf.Tensor4D, sigma = 0): FlowStep {
  const parts = [2, ...(config.predictChange ? [3] : []), ...(config.priorConfidence ? [1] : [])];
  const split = parts.length > 1 ? tf.split(z, parts, 3) : [z];
  const [flowZ, changeZ] = config.predictChange ? split : [split[0], undefined];
  const increment = tf.mul(tf.tanh(flowZ), config.flowPx) as tf.Tensor4D;
  const flowK = config.residualScales && coarser ? (tf.add(tf.mul(tf.image.resizeBilinear(coarser.flow, size), 2), increment) as tf.Tensor4D) : increment;
  // priorConfidence: the prior weighed by min(1, 2·sigmoid(c)) of the last channel (1 where c ≥ 0, towards 0 as c falls).
  if (prior && config.priorConfidence) prior = tf.mul(prior, tf.minimum(tf.mul(tf.sigmoid(split[split.length - 1]), 2), 1)) as tf.Tensor4D;
  // priorGate: what the network learns acts only where the prior sees motion (min(1, |prior|²)).
  const gate = prior && config.priorGate ? tf.minimum(tf.sum(tf.square(prior), 3, true), 1) : undefined;
  const learned = gate ? tf.mul(flowK, gate) : flowK;
  const moved = prior ? (tf.add(learned, prior) as tf.Tensor4D) : flowK;
  const soften = (image: tf.Tensor4D) => (sigma > 0 ? blurMoving(image, moved, sigma) : image);
  const warped = config.flowWarp === 'forward' ? forwardWarp(config, soften(last), moved) : soften(warpBilinear(last, moved));
  if (!changeZ) return { prediction: warped, flow: flowK, warped };
  const change = tf.mul(tf.mul(tf.tanh(changeZ), config.changeScale), gate ?? 1) as tf.Tensor4D;
  const coarserChange = config.residualScales && coarser ? tf.image.resizeBilinear(tf.sub(coarser.prediction, coarser.warped) as tf.Tensor4D, size) : undefined;
  return { prediction: tf.add(warped, coarserChange ? tf.add(coarserChange, change) : change) as tf.Tensor4D, flow: flowK, warped };
}

/** The prior's flow for the configured warp: forward carries a pixel by its velocity, backward samples against it. */
function constantVelocity(config: ModelConfig, history: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const velocity = velocityFlow(history, config.priorFlowSpan, config.priorFlowRadiusPx, config.priorFlowWindowPx, config.priorFlowSmoothPx);
    return config.flowWarp === 'forward' ? velocity : (tf.neg(velocity) as tf.Tensor4D);
  });
}

/** Free a scale's flow and warped frame once the next scale has them, unless the warped frame is an output. */
function releaseFlow(flowK: tf.Tensor | undefined, warped: tf.Tensor | undefined, outputs: tf.Tensor[]): void {
  flowK?.dispose();
  if (warped && !outputs.includes(warped)) warped.dispose();
}

/**
 * Inference on one clip runs it twice in a batch of two where the backend asks for it (the
 * `ONE_CLIP_AS_PAIR_FLAG` TF.js flag, which @nextframe/tf-backend sets for TensorFlow's CPU
 * kernels with oneDNN): there a batch of one through a 5×5 or 7×7 convolution is 100–1000×
 * slower than a batch of two (64×64×15 → 8, 7×7: 610 ms against 1.8 ms; `npx nx run bench:model`
 * shows it as fullFrameInferenceMs). Elsewhere a pair would cost twice one clip.
 */
function predictScalesOf(config: ModelConfig, scales: ConvLayer[][], history: tf.Tensor4D, options: { releaseEarly?: boolean }): tf.Tensor4D[] {
  if (!options.releaseEarly || history.shape[0] !== 1 || tf.env().getFlags()[ONE_CLIP_AS_PAIR_FLAG] !== true) return predictBatch(config, scales, history, options);
  const pair = tf.concat([history, history]) as tf.Tensor4D;
  const doubled = predictBatch(config, scales, pair, options);
  pair.dispose();
  return doubled.map((scale) => {
    const first = tf.slice(scale, 0, 1) as tf.Tensor4D;
    scale.dispose();
    return first;
  });
}

/** Every scale's prediction of a batch, coarsest first (see `Generator.predictScales`). */
function predictBatch(config: ModelConfig, scales: ConvLayer[][], history: tf.Tensor4D, options: { releaseEarly?: boolean }): tf.Tensor4D[] {
  const count = scales.length;
  const multiple = 2 ** (count - 1);
  const [, height, width] = history.shape;
  if (height % multiple !== 0 || width % multiple !== 0) {
    throw new RangeError(`generator input ${height}x${width} must be a multiple of ${multiple} (use predict() for any size)`);
  }
  const outputs: tf.Tensor4D[] = [];
  let previous: tf.Tensor4D | undefined;
  // flowPx: each scale's flow (in its own pixels) and the last frame warped by it, for the next scale.
  let previousFlow: tf.Tensor4D | undefined;
  let previousWarped: tf.Tensor4D | undefined;
  const sizeAt = (k: number): [number, number] => [scaleSize(height, k, count), scaleSize(width, k, count)];
  const prior = config.priorFlowSpan > 0 ? constantVelocity(config, history) : undefined;
  scales.forEach((layers, k) => {
    const out = tf.tidy(() => scaleOutput(config, { layers, k, count, size: sizeAt(k), history, prior, options }, { previous, previousFlow, previousWarped, sizeAt }));
    // The tape keeps its own copies of what a gradient needs: the coarser flow can go now.
    releaseFlow(previousFlow, previousWarped, [...outputs, ...out]);
    [previous, previousFlow, previousWarped] = out;
    outputs.push(out[0]);
  });
  releaseFlow(previousFlow, previousWarped, outputs);
  prior?.dispose();
  return outputs;
}

/** Scale k's prediction (and, with flowPx, its flow and warped last frame) from the history and the coarser scale's. */
function scaleOutput(
  config: ModelConfig,
  at: { layers: ConvLayer[]; k: number; count: number; size: [number, number]; history: tf.Tensor4D; prior?: tf.Tensor4D; options: { releaseEarly?: boolean } },
  from: { previous?: tf.Tensor4D; previousFlow?: tf.Tensor4D; previousWarped?: tf.Tensor4D; sizeAt: (k: number) => [number, number] },
): tf.Tensor4D[] {
  const { layers, k, count, size, history, prior } = at;
  const { previous, previousFlow, previousWarped } = from;
  const channels = history.shape[3];
  const height = history.shape[1];
  // The last frame of a history already at a scale's size (this scale's `frames`: no second downsampling).
  const lastFrameOf = (frames: tf.Tensor4D) => tf.slice(frames, [0, 0, 0, channels - 3], [-1, -1, -1, 3]);
  const frames = k === count - 1 ? history : downsample(history, size, config.downsampling);
  const upsampled = previous ? tf.image.resizeBilinear(previous, size) : undefined;
  // The prior at scale k: averaged over each 2^(S−1−k)-pixel block, in that scale's pixels.
  const factor = 2 ** (count - 1 - k);
  const priorK = !prior || factor === 1 ? prior : (tf.div(tf.avgPool(prior, factor, factor, 'valid'), factor) as tf.Tensor4D);
  const inputs = [frames, ...(upsampled ? [upsampled] : []), ...(priorChannelsOf(config) > 0 && priorK ? [priorK] : [])];
  const x = convStack(config, layers, inputs.length > 1 ? tf.concat(inputs, 3) : frames, at.options.releaseEarly === true, [history, frames]);
  if (config.flowPx > 0) {
    const coarser = previous && previousFlow && previousWarped ? { prediction: previous, flow: previousFlow, warped: previousWarped } : undefined;
    // moveBlurPx is σ in the full-size frame's pixels, so halved at each coarser scale.
    const step = flowOutput(config, x, lastFrameOf(frames), size, coarser, priorK, (config.moveBlurPx * size[0]) / height);
    return [step.prediction, step.flow, step.warped];
  }
  if (!config.predictChange) return [config.residualScales && upsampled ? (tf.add(upsampled, x) as tf.Tensor4D) : x];
  // The change to the last frame; with residual scales it adds to the coarser scale's change.
  const lastFrameAt = (j: number) => lastFrameOf(downsample(history, from.sizeAt(j), config.downsampling));
  const coarserChange = config.residualScales && previous ? tf.image.resizeBilinear(tf.sub(previous, lastFrameAt(k - 1)) as tf.Tensor4D, size) : undefined;
  return [tf.add(lastFrameOf(frames), coarserChange ? tf.add(coarserChange, x) : x) as tf.Tensor4D];
}
