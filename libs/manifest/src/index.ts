export {
  cropStageSchema,
  curveStageSchema,
  trainedRuns,
  type CurveStageParams,
  evaluateStageSchema,
  extractStageSchema,
  manifestSchema,
  sourceSchema,
  type CropStageParams,
  type EvaluateStageParams,
  type ExtractStageParams,
  type GeneratorSource,
  type Manifest,
  type ManifestSource,
  type SplitSpec,
} from './manifest-schema';
export { ManifestError, listManifests, loadManifest, parseManifest, type LoadedManifest } from './load-manifest';
export {
  VIDEO_EXTENSIONS,
  datasetLayout,
  generatedVideos,
  listManifestVideos,
  videoName,
  type DatasetLayout,
  type SourceVideo,
} from './dataset-layout';
export { assignSplit, type SplitName } from './assign-split';
export { findWorkspaceRoot } from './find-workspace-root';
export { manifestJsonSchema } from './manifest-json-schema';
export { TRAIN_DEFAULTS, TRAIN_SETTINGS, isAdversarial, trainSettingsSchema, type TrainSettings } from './train-settings';
export { RUNS_FOLDER, RUN_LAYOUT, TRAINING_OUTPUTS, adversarialRunName, runFolder, trainedRunNames } from './run-layout';
