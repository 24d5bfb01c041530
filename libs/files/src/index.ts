export { writeFileAtomic, writeJsonAtomic } from './write-file-atomic';
export { writeFolderAtomic } from './write-folder-atomic';
export { createStagingDir, removeStaleStagingDirs, type StagingDir } from './staging-dir';
export { hashFile } from './hash-file';
export { acquireRunLock, RunLockedError, type RunLock } from './run-lock';
