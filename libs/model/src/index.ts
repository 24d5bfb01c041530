// tfjs-core's CommonJS build registers no gradients; the @tensorflow/tfjs bundle registers all of
// them into tfjs-core's global registry (and the cpu backend).
import '@tensorflow/tfjs';

export { PAPER_PRESET, PRESETS, SPEC_PRESET, TRAINING_THAT_LEARNS, SMALL_PRESET, resolveModelConfig } from './presets';
export {
  DOWNSAMPLINGS,
  INITIALIZATIONS,
  modelConfigSchema,
  scaleSize,
  type DiscriminatorScaleConfig,
  type Downsampling,
  type Initialization,
  type GeneratorScaleConfig,
  type ModelConfig,
} from './model-config';
export {
  describeConfigIssue,
  describeModelFields,
  parseModelConfig,
  parseModelField,
  parseModelOverrides,
  parseStoredModelConfig,
  type ModelConfigField,
} from './model-config-schema';
export { initBiases, initLayer, initWeights, parameterCount, type LayerInit, type Parameter } from './parameters';
export { downsample } from './downsample';
export { velocityFlow } from './block-match';
export { blurMoving, gaussianBlur, gaussianTaps } from './move-blur';
export { createGenerator, ONE_CLIP_AS_PAIR_FLAG, type Generator } from './generator';
export { generatorLayersModel } from './layers-model';
export { generatorFromWeights, type LoadedGenerator } from './browser-generator';
export { outputClip, createDiscriminator, type Discriminator } from './discriminator';
export { lpLoss, releaseOvershoot } from './lp-loss';
export { gradientDifferenceLoss } from './gradient-difference-loss';
export { adversarialLoss, binaryCrossEntropy, discriminatorLoss } from './adversarial-loss';
export { generatorLoss, type GeneratorLossParts } from './generator-loss';
export {
  createOptimizers,
  discriminatorStats,
  discriminatorStep,
  disposeBatch,
  generatorLearningRate,
  scheduleLearningRate,
  ScheduledAdam,
  generatorStep,
  prepareBatch,
  type DiscriminatorStats,
  type GeneratorStepResult,
  type Optimizers,
  type TrainingBatch,
} from './training-steps';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  checkpointFiles,
  parseCheckpointManifest,
  checkpointFromFiles,
  generatorFromCheckpoint,
  restoreCheckpoint,
  serializeCheckpoint,
  type CheckpointContent,
  type CheckpointManifest,
  type TrainerState,
} from './checkpoint';
export { WeightAverage } from './weight-average';
export {
  DEFAULT_TILE_SIZE,
  generatorReach,
  predictFrame,
  predictRecursively,
  type TilingOptions,
} from './predict-recursively';
export { PIXEL_HALF_RANGE, cropTo, feedBack, feedBackFrame, frameToTensor, padToMultiple, tensorToFrame, type Frame8 } from './frame-io';
