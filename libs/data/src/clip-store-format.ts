import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Int32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Uint8,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import type { CropSettings } from './crop-settings';

/**
 * The clip store: a folder of Arrow IPC files (`clips-000000.arrow`, …), each a whole shard of
 * clips, and `clips.json` describing them. Documented in `libs/data/README.md`.
 */
export const SUMMARY_FILE = 'clips.json';
export const STORE_FORMAT = 'nextframe-clips';
export const STORE_VERSION = 1;

/** `[frames, height, width, channels]` of one clip. */
export type ClipShape = [number, number, number, 3];

/** Where a clip came from. */
export interface ClipProvenance {
  /** The video folder's name. */
  video: string;
  /** Index of the clip's first frame in the video's naturally sorted frames (0-based). */
  startFrame: number;
  /** Top-left corner of the crop window in the frame. */
  cropX: number;
  cropY: number;
  /** Movement score of the window (see `movementScore`). */
  movement: number;
  /** Taken without the movement filter (the 5% draw). */
  unfiltered: boolean;
}

export interface ShardRecord {
  file: string;
  count: number;
  bytes: number;
  sha256: string;
  /** Index of the shard's first clip in the store. */
  firstClip: number;
}

/** One `nextframe crop` invocation that added clips. */
export interface RunRecord {
  seed: number;
  firstClip: number;
  clipCount: number;
  /** The frames folder, relative to the store. */
  framesDir: string;
  /** Fingerprint of the frames (video names, frame names, sizes) the run drew from. */
  framesFingerprint: string;
  complete: boolean;
}

export interface StoreSummary {
  format: typeof STORE_FORMAT;
  version: typeof STORE_VERSION;
  /** Clips in complete shards. */
  count: number;
  clipShape: ClipShape;
  settings: CropSettings;
  shardSize: number;
  recordBatchSize: number;
  runs: RunRecord[];
  shards: ShardRecord[];
}

export function clipSchema(shape: ClipShape): Schema {
  const clipBytes = shape[0] * shape[1] * shape[2] * shape[3];
  return new Schema(
    [
      new Field('pixels', new FixedSizeList(clipBytes, new Field('item', new Uint8(), false)), false),
      new Field('video', new Utf8(), false),
      new Field('start_frame', new Int32(), false),
      new Field('crop_x', new Int32(), false),
      new Field('crop_y', new Int32(), false),
      new Field('movement', new Float32(), false),
      new Field('unfiltered', new Bool(), false),
    ],
    new Map([
      ['nextframe.format', STORE_FORMAT],
      ['nextframe.version', String(STORE_VERSION)],
      ['nextframe.clip_shape', JSON.stringify(shape)],
      ['nextframe.pixels_layout', 'uint8 [frames, height, width, channels], RGB, oldest frame first'],
    ]),
  );
}

/** One record batch of `records.length` clips whose pixels lie back to back in `pixels`. */
export function clipRecordBatch(schema: Schema, pixels: Uint8Array, records: readonly ClipProvenance[]): RecordBatch {
  const length = records.length;
  const pixelType = schema.fields[0].type as FixedSizeList<Uint8>;
  const children = [
    makeData({ type: pixelType, length, nullCount: 0, child: makeData({ type: new Uint8(), data: pixels }) }),
    vectorFromArray(records.map((r) => r.video), new Utf8()).data[0],
    makeData({ type: new Int32(), data: Int32Array.from(records, (r) => r.startFrame) }),
    makeData({ type: new Int32(), data: Int32Array.from(records, (r) => r.cropX) }),
    makeData({ type: new Int32(), data: Int32Array.from(records, (r) => r.cropY) }),
    makeData({ type: new Float32(), data: Float32Array.from(records, (r) => r.movement) }),
    vectorFromArray(records.map((r) => r.unfiltered), new Bool()).data[0],
  ];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/** The bytes of an Arrow IPC file (with footer, for random access) holding `batches`. */
export async function arrowFileBytes(batches: readonly RecordBatch[]): Promise<Uint8Array> {
  return RecordBatchFileWriter.writeAll(batches).toUint8Array();
}
