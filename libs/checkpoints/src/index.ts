export { CheckpointStore, loadCheckpointFolder, loadTrainedModel } from './checkpoint-store';
