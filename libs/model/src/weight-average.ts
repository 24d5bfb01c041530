import * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from './parameters';

/**
 * An exponential moving average of a network's weights, as `tf.train.ExponentialMovingAverage`
 * with `num_updates`: after step n, average ← d·average + (1 − d)·weights with
 * d = min(decay, (1 + n) / (10 + n)), so early steps are not held back by the random start.
 * The weights a run trains keep their noise (Adam's steps, the adversarial game); their average
 * over the last 1 / (1 − decay) steps predicts better than any one step's (issue #20).
 */
export class WeightAverage {
  /** The averaged variables, one per parameter, under the parameter's key. */
  readonly parameters: Parameter[];

  constructor(
    private readonly source: readonly Parameter[],
    readonly decay: number,
  ) {
    if (!(decay > 0 && decay < 1)) throw new RangeError(`weight average decay must be in (0, 1), got ${decay}`);
    this.parameters = source.map((p) => ({ key: p.key, variable: tf.variable(p.variable, false) }));
  }

  /** The decay applied after `step` steps are done. */
  decayAt(step: number): number {
    return Math.min(this.decay, (1 + step) / (10 + step));
  }

  /** Fold the current weights in, after training step `step` (counted from 1). */
  update(step: number): void {
    const d = this.decayAt(step);
    tf.tidy(() => {
      this.source.forEach((p, i) => {
        const average = this.parameters[i].variable;
        average.assign(tf.add(tf.mul(average, d), tf.mul(p.variable, 1 - d)));
      });
    });
  }

  /** Start the average over from the current weights. */
  reset(): void {
    tf.tidy(() => this.source.forEach((p, i) => this.parameters[i].variable.assign(p.variable)));
  }

  /** Run `use` with the averaged weights in the network, and put its own weights back after. */
  async withAverage<T>(use: () => Promise<T>): Promise<T> {
    const own = this.source.map((p) => tf.clone(p.variable));
    tf.tidy(() => this.source.forEach((p, i) => p.variable.assign(this.parameters[i].variable)));
    try {
      return await use();
    } finally {
      this.source.forEach((p, i) => p.variable.assign(own[i]));
      tf.dispose(own);
    }
  }

  dispose(): void {
    tf.dispose(this.parameters.map((p) => p.variable));
  }
}
