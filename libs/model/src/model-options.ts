/** How weights start (see `ModelConfig.initialization`). */
export const INITIALIZATIONS = ['port', 'torch', 'he', 'glorot'] as const;
export type Initialization = (typeof INITIALIZATIONS)[number];
/** How frames shrink to the coarse scales (see `ModelConfig.downsampling`). */
export const DOWNSAMPLINGS = ['bilinear', 'area'] as const;
export type Downsampling = (typeof DOWNSAMPLINGS)[number];
/** How a flow moves the last frame (see `ModelConfig.flowWarp`). */
export const FLOW_WARPS = ['backward', 'forward'] as const;
export type FlowWarp = (typeof FLOW_WARPS)[number];
export const SPLAT_COVERAGES = ['sum', 'normalize', 'fill'] as const;
export type SplatCoverage = (typeof SPLAT_COVERAGES)[number];
/** The discriminator's optimiser (see `ModelConfig.discriminatorOptimizer`). */
export const DISCRIMINATOR_OPTIMIZERS = ['sgd', 'adam'] as const;
export type DiscriminatorOptimizer = (typeof DISCRIMINATOR_OPTIMIZERS)[number];
/** How the losses reduce over pixels and the batch (see `ModelConfig.lossReduction`). */
export const LOSS_REDUCTIONS = ['sum', 'mean'] as const;
export type LossReduction = (typeof LOSS_REDUCTIONS)[number];
/** What gradient the discriminator's output clip passes (see `ModelConfig.discriminatorClipGradient`). */
export const DISCRIMINATOR_CLIP_GRADIENTS = ['zero', 'pass'] as const;
export type DiscriminatorClipGradient = (typeof DISCRIMINATOR_CLIP_GRADIENTS)[number];
