export { CheckpointStore, loadCheckpointFolder, loadTrainedModel, readCheckpointManifest } from './checkpoint-store';
export { CHECKPOINTS_FOLDER, checkpointFolder, checkpointName, checkpointStep } from './checkpoint-layout';
