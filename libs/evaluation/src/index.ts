export { clipStarts, listTestClips, predictAndScore, readClipFrames, summarizeClips, type ScoredClip, type TestClip } from './recursive-evaluation';
