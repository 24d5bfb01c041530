import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './model-config';

export interface GeneratorLossParts {
  lp: tf.Scalar;
  gdl: tf.Scalar;
  /** Absent in non-adversarial training. */
  adversarial?: tf.Scalar;
}

/** λ_lp·Lp + λ_gdl·GDL + λ_adv·Adv (paper eq. 6), with the configured weights. */
export function generatorLoss(parts: GeneratorLossParts, config: Pick<ModelConfig, 'lpWeight' | 'gdlWeight' | 'adversarialWeight'>): tf.Scalar {
  return tf.tidy(() => {
    let total = tf.add(tf.mul(config.lpWeight, parts.lp), tf.mul(config.gdlWeight, parts.gdl));
    if (parts.adversarial) total = tf.add(total, tf.mul(config.adversarialWeight, parts.adversarial));
    return total as tf.Scalar;
  });
}
