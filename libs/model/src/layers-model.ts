import * as tf from '@tensorflow/tfjs';
import type { Generator } from './generator';

/**
 * The generator as a standard TF.js Layers model, for `tf.loadLayersModel` with no nextframe code:
 * one input `[batch, H, W, 3·historyLength]` in [-1, 1] (H and W any multiples of 2^(scales − 1)),
 * one output, the finest scale's prediction `[batch, H, W, 3]`. Every operation of
 * `createGenerator` maps onto a standard layer with the same arithmetic:
 * - area downsampling by 2^j: AveragePooling2D (pool = stride = 2^j), as `tf.avgPool` there;
 * - upsampling a coarser prediction: UpSampling2D bilinear, which calls `tf.image.resizeBilinear`
 *   exactly as the generator does;
 * - the last input frame (`predictChange`): a fixed 1×1 Conv2D whose kernel picks its 3 channels
 *   (weights 0 and 1, so exact), and its negative the same way with −1;
 * - convolutions: Conv2D `same` with ReLU, the last of each scale tanh (times `changeScale`: a
 *   fixed 1×1 Conv2D); sums: Add; Concatenate.
 * Only `downsampling: 'area'` has a standard layer; the port's bilinear downsampling is refused.
 */
export function generatorLayersModel(generator: Generator): tf.LayersModel {
  const config = generator.config;
  if (config.downsampling !== 'area') {
    throw new RangeError(`only 'area' downsampling exports to standard layers (this model uses '${config.downsampling}')`);
  }
  if (config.flowPx > 0) {
    throw new RangeError(`a flow generator (flowPx ${config.flowPx}) does not export to standard layers: TF.js has no warping layer`);
  }
  const values = new Map(generator.parameters.map((p) => [p.key, p.variable]));
  const channels = 3 * config.historyLength;
  const count = config.generator.length;
  const input = tf.input({ shape: [null, null, channels], name: 'history' });
  // Weights are set once the model is built (setWeights copies them; nothing is left to dispose).
  const assignments: Assignment[] = [];
  const framesAt: tf.SymbolicTensor[] = [];
  let previous: tf.SymbolicTensor | undefined;
  config.generator.forEach((scale, k) => {
    const factor = 2 ** (count - 1 - k);
    const frames = factor > 1 ? (tf.layers.averagePooling2d({ name: `scale${k}_frames`, poolSize: factor, strides: factor, padding: 'valid' }).apply(input) as tf.SymbolicTensor) : input;
    framesAt.push(frames);
    const upsampled = previous ? upsample(`scale${k}_upsampled`, previous) : undefined;
    const scaleInput = upsampled ? (tf.layers.concatenate({ name: `scale${k}_input`, axis: 3 }).apply([frames, upsampled]) as tf.SymbolicTensor) : frames;
    let x = scaleConvolutions(k, scale, scaleInput, values, assignments);
    if (config.predictChange && config.changeScale !== 1) x = fixedLayer(assignments, `scale${k}_change_scale`, 3, config.changeScale).apply(x) as tf.SymbolicTensor;
    previous = scalePrediction(generator.config, { k, x, frames, upsampled, previous, coarserFrames: framesAt[k - 1], channels }, assignments);
  });
  const model = tf.model({ name: 'nextframe_generator', inputs: input, outputs: previous as tf.SymbolicTensor });
  for (const { name, tensors, temporary } of assignments) {
    const assigned = tensors();
    model.getLayer(name).setWeights(assigned);
    if (temporary) tf.dispose(assigned);
  }
  return model;
}

/** A layer's weights, set once the model is built; `temporary` ones are made for it and disposed after. */
interface Assignment {
  name: string;
  tensors: () => tf.Tensor[];
  temporary: boolean;
}

/** A fixed 1×1 Conv2D that multiplies the last 3 of `inputs` channels by `factor` (0 and factor: exact for powers of 2). */
function fixedLayer(assignments: Assignment[], name: string, inputs: number, factor: number) {
  const kernel = tf.buffer([1, 1, inputs, 3]);
  for (let c = 0; c < 3; c++) kernel.set(factor, 0, 0, inputs - 3 + c, c);
  assignments.push({ name, tensors: () => [kernel.toTensor()], temporary: true });
  return tf.layers.conv2d({ name, filters: 3, kernelSize: 1, useBias: false, trainable: false });
}

function upsample(name: string, x: tf.SymbolicTensor): tf.SymbolicTensor {
  return tf.layers.upSampling2d({ name, size: [2, 2], interpolation: 'bilinear' }).apply(x) as tf.SymbolicTensor;
}

/** Scale k's Conv2D layers (ReLU, the last tanh) with the generator's weights. */
function scaleConvolutions(k: number, scale: { kernelSizes: number[]; featureMaps: number[] }, input: tf.SymbolicTensor, values: Map<string, tf.Variable>, assignments: Assignment[]): tf.SymbolicTensor {
  let x = input;
  scale.kernelSizes.forEach((kernelSize, i) => {
    const key = `generator/scale${k}/conv${i}`;
    const [weights, bias] = [values.get(`${key}/weights`), values.get(`${key}/bias`)];
    if (!weights || !bias) throw new RangeError(`the generator has no parameters ${key}/weights and /bias`);
    const name = `scale${k}_conv${i}`;
    assignments.push({ name, tensors: () => [weights, bias], temporary: false });
    const last = i === scale.kernelSizes.length - 1;
    x = tf.layers.conv2d({ name, filters: scale.featureMaps[i + 1], kernelSize, padding: 'same', activation: last ? 'tanh' : 'relu' }).apply(x) as tf.SymbolicTensor;
  });
  return x;
}

/** Scale k's prediction from its network's output `x`: added to the coarser one (residual scales), or the last frame plus the change. */
function scalePrediction(
  config: Generator['config'],
  at: { k: number; x: tf.SymbolicTensor; frames: tf.SymbolicTensor; upsampled?: tf.SymbolicTensor; previous?: tf.SymbolicTensor; coarserFrames?: tf.SymbolicTensor; channels: number },
  assignments: Assignment[],
): tf.SymbolicTensor {
  const { k, x, frames, upsampled, previous } = at;
  if (!config.predictChange) {
    return config.residualScales && upsampled ? (tf.layers.add({ name: `scale${k}_prediction` }).apply([upsampled, x]) as tf.SymbolicTensor) : x;
  }
  // The last frame plus the change; with residual scales the change adds to the coarser one.
  const lastFrame = fixedLayer(assignments, `scale${k}_last_frame`, at.channels, 1).apply(frames) as tf.SymbolicTensor;
  let change = x;
  if (config.residualScales && previous && at.coarserFrames) {
    const minusCoarserLast = fixedLayer(assignments, `scale${k}_minus_coarser_last_frame`, at.channels, -1).apply(at.coarserFrames) as tf.SymbolicTensor;
    const coarserChange = tf.layers.add({ name: `scale${k}_coarser_change` }).apply([previous, minusCoarserLast]) as tf.SymbolicTensor;
    change = tf.layers.add({ name: `scale${k}_change` }).apply([upsample(`scale${k}_upsampled_change`, coarserChange), x]) as tf.SymbolicTensor;
  }
  return tf.layers.add({ name: `scale${k}_prediction` }).apply([lastFrame, change]) as tf.SymbolicTensor;
}
