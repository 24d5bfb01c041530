/**
 * Fixtures shared by the warp specs (`warpBilinear`, `splatBilinear`): a 3×3 one-channel image,
 * flows for it, rounded values, and the gradient check against finite differences.
 */
import * as tf from '@tensorflow/tfjs-core';
import { finiteDifference } from './testing';

/** A 3×3 one-channel image 0 … 8, row by row. */
export const image3x3 = () => tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 3, 1]);
/** A flow for the 3×3 image from 9 (x, y) pairs, row by row. */
export const flowOf = (pairs: [number, number][]) => tf.tensor4d(pairs.flat(), [1, 3, 3, 2]);
export const constantFlow = (fx: number, fy: number) => flowOf(Array.from({ length: 9 }, (): [number, number] => [fx, fy]));
export const rounded = (t: tf.Tensor) => Array.from(t.dataSync()).map((v) => Number(v.toFixed(5)));

/**
 * The gradients of `sum(warp(image3x3, flow) · weights)` in flow and image, by the warp's own
 * gradient and by finite differences, and the tensors the gradient left behind (0 expected).
 */
export function warpGradients(warp: (image: tf.Tensor4D, flow: tf.Tensor4D) => tf.Tensor4D, flowValues: number[]) {
  const img = tf.variable(image3x3());
  const flow = tf.variable(tf.tensor4d(flowValues, [1, 3, 3, 2]));
  // A weighted sum so every output pixel counts differently.
  const weights = tf.tensor4d([1, -2, 3, 0.5, 1.5, -1, 2, 0.25, -0.75], [1, 3, 3, 1]);
  const loss = () => tf.sum(tf.mul(warp(img as unknown as tf.Tensor4D, flow as unknown as tf.Tensor4D), weights)) as tf.Scalar;
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(loss);
  const gradFlow = Array.from(grads[flow.name].dataSync());
  const gradImage = Array.from(grads[img.name].dataSync());
  value.dispose();
  tf.dispose(grads);
  const leaked = tf.memory().numTensors - before;
  const numericFlow = gradFlow.map((_, i) => finiteDifference(loss, flow, i));
  const numericImage = gradImage.map((_, i) => finiteDifference(loss, img, i));
  tf.dispose([img, flow, weights]);
  return { gradFlow, gradImage, numericFlow, numericImage, leaked };
}
