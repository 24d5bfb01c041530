import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeImageRgb } from '@nextframe/media';
import { tensorToFrame } from '@nextframe/model';

/**
 * The seed's image dumps: for each clip of a batch, its input frames and, per scale, the generated
 * and true frames, as `dir/clip_<i>/input_<t>.png`, `scale_<k>_generated.png`, `scale_<k>_true.png`.
 */
export async function saveStepImages(dir: string, history: tf.Tensor4D, predictions: tf.Tensor4D[], targets: tf.Tensor4D[]): Promise<number> {
  const [batch, , , channels] = history.shape;
  let written = 0;
  for (let i = 0; i < batch; i++) {
    const clipDir = path.join(dir, `clip_${i}`);
    for (let t = 0; t < channels / 3; t++) {
      const frame = tf.tidy(() => tf.slice(history, [i, 0, 0, 3 * t], [1, -1, -1, 3]).squeeze([0]) as tf.Tensor3D);
      await writeImageRgb(path.join(clipDir, `input_${t}.png`), tensorToFrame(frame));
      frame.dispose();
      written++;
    }
    for (let k = 0; k < predictions.length; k++) {
      for (const [label, source] of [['generated', predictions[k]], ['true', targets[k]]] as const) {
        const frame = tf.tidy(() => tf.slice(source, [i, 0, 0, 0], [1, -1, -1, 3]).squeeze([0]) as tf.Tensor3D);
        await writeImageRgb(path.join(clipDir, `scale_${k}_${label}.png`), tensorToFrame(frame));
        frame.dispose();
        written++;
      }
    }
  }
  return written;
}
