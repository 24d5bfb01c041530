import { parseModelConfig, parseModelOverrides } from './model-config-schema';
import type { ModelConfig } from './model-config';

/** Exactly `docs/model-spec.md`: the paper's networks with the TensorFlow port's training settings. */
export const SPEC_PRESET: ModelConfig = {
  preset: 'spec',
  historyLength: 4,
  patchSizePx: 32,
  generator: [
    { featureMaps: [12, 128, 256, 128, 3], kernelSizes: [3, 3, 3, 3] },
    { featureMaps: [15, 128, 256, 128, 3], kernelSizes: [5, 3, 3, 5] },
    { featureMaps: [15, 128, 256, 512, 256, 128, 3], kernelSizes: [5, 3, 3, 3, 3, 5] },
    { featureMaps: [15, 128, 256, 512, 256, 128, 3], kernelSizes: [7, 5, 5, 5, 5, 7] },
  ],
  discriminator: [
    { featureMaps: [15, 64], kernelSizes: [3], fullyConnected: [512, 256, 1] },
    { featureMaps: [15, 64, 128, 128], kernelSizes: [3, 3, 3], fullyConnected: [1024, 512, 1] },
    { featureMaps: [15, 128, 256, 256], kernelSizes: [5, 5, 5], fullyConnected: [1024, 512, 1] },
    { featureMaps: [15, 128, 256, 512, 128], kernelSizes: [7, 7, 5, 5], fullyConnected: [1024, 512, 1] },
  ],
  residualScales: true,
  conditionalDiscriminator: true,
  lpWeight: 1,
  lpExponent: 2,
  gdlWeight: 1,
  gdlExponent: 1,
  adversarialWeight: 0.05,
  lossReduction: 'sum',
  generatorLearningRate: 0.00004,
  discriminatorLearningRate: 0.02,
  discriminatorOptimizer: 'sgd',
  discriminatorClip: [0.1, 0.9],
  discriminatorClipGradient: 'zero',
  discriminatorLeak: 0,
  rolloutSteps: 1,
  initialization: 'port',
  initStdDev: 0.01,
  initBias: 0.1,
  downsampling: 'bilinear',
  predictChange: false,
  changeScale: 1,
  flowPx: 0,
  flowWarp: 'backward',
  splatCoverage: 'sum',
  priorFlowSpan: 0,
  priorFlowRadiusPx: 4,
  priorFlowWindowPx: 7,
  priorFlowSmoothPx: 0,
  priorFlowInput: false,
  moveBlurPx: 0,
  priorGate: false,
  priorConfidence: false,
  generatorAverageDecay: 0,
  clipFeedback: false,
  freeOvershoot: false,
  discriminatorOutputStdDev: 0,
  batchSize: 8,
};

/**
 * What made the networks learn on Moving MNIST and real footage (issue #11, `docs/experiments.md`),
 * each a departure from the spec with its reason on its field: He initialisation, area
 * downsampling, predicting the change to the last frame, clipped recursion feedback, and an
 * adversarial term that weighs what the paper meant (mean-reduced losses) against a
 * discriminator that learns (Adam).
 */
export const TRAINING_THAT_LEARNS: Partial<ModelConfig> = {
  initialization: 'he',
  downsampling: 'area',
  predictChange: true,
  clipFeedback: true,
  lossReduction: 'mean',
  discriminatorOptimizer: 'adam',
  discriminatorLearningRate: 0.001,
  discriminatorLeak: 0.2,
  discriminatorClipGradient: 'pass',
};

/** The spec's networks with the training that learns; `--preset spec` is the spec exactly. */
export const PAPER_PRESET: ModelConfig = { ...SPEC_PRESET, ...TRAINING_THAT_LEARNS, preset: 'paper' };

/**
 * CPU-friendly: the same architecture with a quarter of the feature maps in every hidden conv
 * and fully connected layer (about 1/16 of the multiply-adds), and a generator learning rate
 * 25× the port's (0.001), so a few minutes on 2 cores train a visible improvement on the demo
 * data. Everything else is the paper's.
 */
export const SMALL_PRESET: ModelConfig = {
  ...PAPER_PRESET,
  preset: 'small',
  generator: PAPER_PRESET.generator.map((s) => ({ ...s, featureMaps: quarterHidden(s.featureMaps) })),
  discriminator: PAPER_PRESET.discriminator.map((s) => ({
    ...s,
    featureMaps: [s.featureMaps[0], ...s.featureMaps.slice(1).map((f) => f / 4)],
    fullyConnected: [...s.fullyConnected.slice(0, -1).map((f) => f / 4), 1],
  })),
  generatorLearningRate: 0.001,
};

function quarterHidden(maps: number[]): number[] {
  return maps.map((f, i) => (i === 0 || i === maps.length - 1 ? f : f / 4));
}

export const PRESETS: Record<string, ModelConfig> = { paper: PAPER_PRESET, small: SMALL_PRESET, spec: SPEC_PRESET };

/**
 * A preset with overrides applied, and the channel counts that follow from `historyLength` and
 * `conditionalDiscriminator` filled in (generator inputs 3·history (+3); discriminator input 3 or
 * 3·(history+1)).
 */
export function resolveModelConfig(preset: string, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const base = PRESETS[preset];
  if (!base) throw new RangeError(`unknown preset '${preset}' (choose ${Object.keys(PRESETS).join(', ')})`);
  const merged: ModelConfig = structuredClone({ ...base, ...parseModelOverrides(overrides), preset });
  const history = 3 * merged.historyLength;
  merged.generator = merged.generator.map((s, k) => ({ ...s, featureMaps: [k === 0 ? history : history + 3, ...s.featureMaps.slice(1)] }));
  const discriminatorInput = merged.conditionalDiscriminator ? history + 3 : 3;
  merged.discriminator = merged.discriminator.map((s) => ({ ...s, featureMaps: [discriminatorInput, ...s.featureMaps.slice(1)] }));
  parseModelConfig(merged);
  if (merged.generator.length !== merged.discriminator.length) throw new RangeError('generator and discriminator need the same number of scales');
  if (merged.patchSizePx % 2 ** (merged.generator.length - 1) !== 0) {
    throw new RangeError(`patchSizePx ${merged.patchSizePx} must be a multiple of ${2 ** (merged.generator.length - 1)}`);
  }
  return merged;
}
