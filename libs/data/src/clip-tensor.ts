import { tensor4d, type Tensor4D } from '@tensorflow/tfjs-core';
import type { ClipBatch } from './clip-batch';

/** A `ClipBatch` as a float32 tensor `[batch, height, width, 3 × frames]` on the active backend. */
export function clipBatchToTensor(batch: ClipBatch): Tensor4D {
  return tensor4d(batch.data, batch.shape, 'float32');
}
