export { naturalCompare } from './natural-compare';
export { movementScore } from './movement-score';
export { cropWindow } from './crop-window';
export { DEFAULT_CROP_SETTINGS, clipBytes, clipFrames, type CropSettings } from './crop-settings';
export { chooseClip, clipRandom, sampleWindow, type ClipChoice, type SampledWindow } from './clip-sampler';
export { FrameSizeMismatchError, FramesFolderError, ClipStoreError } from './data-errors';
export { listFrameFolders, type VideoFrames } from './frame-folders';
export {
  STORE_FORMAT,
  STORE_VERSION,
  SUMMARY_FILE,
  clipSchema,
  type ClipProvenance,
  type ClipShape,
  type RunRecord,
  type ShardRecord,
  type StoreSummary,
} from './clip-store-format';
export { readStoreSummary } from './read-store-summary';
export { cropClips, type CropClipsOptions, type CropClipsResult } from './crop-clips';
export { ClipStore, type BatchIteratorOptions, type EpochBatch } from './clip-store';
export { stackClips, type ClipBatch } from './clip-batch';
export { clipBatchToTensor } from './clip-tensor';
