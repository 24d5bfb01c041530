import type { MetricImage } from './metric-image';

/** The trivial predictors every model figure stands beside. */
export const BASELINES = ['copyLast', 'blank', 'meanOfInputs'] as const;
export type BaselineName = (typeof BASELINES)[number];

/** How reports name them. */
export const BASELINE_LABELS: Record<BaselineName, string> = { copyLast: 'copy last frame', blank: 'blank frame', meanOfInputs: 'mean of inputs' };

/**
 * Each baseline's prediction from the input frames (oldest first), the same at every recursion
 * step: the last input; a blank (all-zero, black) frame — on Moving MNIST, bright digits on black,
 * it beats copying the last frame, so a model that only learned to fade out is exposed by it;
 * the pixel-wise mean of the inputs (a motion blur).
 */
export function baselineFrames(inputs: readonly MetricImage[]): Record<BaselineName, MetricImage> {
  if (inputs.length === 0) throw new RangeError('baselines need at least one input frame');
  const last = inputs[inputs.length - 1];
  const mean = new Float32Array(last.data.length);
  for (const frame of inputs) for (let i = 0; i < mean.length; i++) mean[i] += frame.data[i] / inputs.length;
  const like = (data: Float32Array): MetricImage => ({ data, width: last.width, height: last.height, channels: last.channels });
  return { copyLast: last, blank: like(new Float32Array(last.data.length)), meanOfInputs: like(mean) };
}
