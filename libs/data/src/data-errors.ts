import { NextframeError } from '@nextframe/errors';

/** A frames folder that cannot be used: missing, empty, wrong layout. */
export class FramesFolderError extends NextframeError {}

/** A frame whose size differs from the first frame of its video. */
export class FrameSizeMismatchError extends NextframeError {}

/** A clip store that is missing, corrupt, truncated or incompatible with the request. */
export class ClipStoreError extends NextframeError {}
