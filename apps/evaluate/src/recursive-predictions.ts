import * as tf from '@tensorflow/tfjs-core';
import type { Generator } from '@nextframe/model';
import type { RgbImage } from '@nextframe/media';

/**
 * Feed `history` true frames, predict `recursions` frames, each prediction replacing the oldest
 * input (the paper's and the seed's recursive test). Frames are 8-bit RGB of any size.
 */
export function predictRecursively(generator: Generator, history: readonly RgbImage[], recursions: number): RgbImage[] {
  const { width, height } = history[0];
  let inputs = history.map((f) => tf.tidy(() => tf.sub(tf.div(tf.tensor3d(f.data, [height, width, 3], 'float32'), 127.5), 1) as tf.Tensor3D));
  const out: RgbImage[] = [];
  for (let k = 0; k < recursions; k++) {
    const predicted = tf.tidy(() => generator.predict(tf.expandDims(tf.concat(inputs, 2), 0) as tf.Tensor4D).squeeze([0]) as tf.Tensor3D);
    const bytes = tf.tidy(() => tf.clipByValue(tf.round(tf.mul(tf.add(predicted, 1), 127.5)), 0, 255)).dataSync();
    out.push({ data: Uint8Array.from(bytes), width, height });
    tf.dispose(inputs[0]);
    inputs = [...inputs.slice(1), predicted];
  }
  tf.dispose(inputs);
  return out;
}
