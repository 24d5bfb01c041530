import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { SeededRandom } from '@nextframe/random';
import { stackClips, type ClipBatch } from './clip-batch';
import type { ClipProvenance, ClipShape, StoreSummary } from './clip-store-format';
import { ClipStoreError } from './data-errors';
import { readStoreSummary } from './read-store-summary';

interface LoadedBatch {
  pixels: Uint8Array;
  batch: RecordBatch;
}

interface OpenShard {
  reader: { readRecordBatch(index: number): Promise<RecordBatch | null>; numRecordBatches: number };
  handle: fs.FileHandle;
  /** Reads of one file go one at a time. */
  queue: Promise<unknown>;
}

export interface BatchIteratorOptions {
  batchSize: number;
  /** Seeds the order of every epoch. */
  seed: number;
  /** Where to start (to resume training where it stopped). */
  startEpoch?: number;
  startBatch?: number;
  /** Batches assembled ahead of the consumer (default 2). */
  prefetch?: number;
}

export interface EpochBatch extends ClipBatch {
  epoch: number;
  /** Index of the batch within its epoch. */
  batchInEpoch: number;
}

/**
 * Reads a clip store without loading it: shards are opened on first use and read one record
 * batch at a time (a few dozen clips), with the most recent batches kept in memory. Random access
 * by index, seeded shuffled epochs, and a prefetching batch iterator for training.
 */
export class ClipStore {
  private readonly shards = new Map<number, Promise<OpenShard>>();
  private readonly cache = new Map<string, Promise<LoadedBatch>>();
  private readonly firstClips: number[];

  private constructor(
    readonly dir: string,
    readonly summary: StoreSummary,
    private readonly cacheBatches: number,
  ) {
    this.firstClips = summary.shards.map((s) => s.firstClip);
  }

  /** Open a store; `cacheBatches` record batches stay in memory (default 256: 256 × 64 clips). */
  static async open(dir: string, options: { cacheBatches?: number } = {}): Promise<ClipStore> {
    const summary = await readStoreSummary(dir);
    return new ClipStore(dir, summary, options.cacheBatches ?? 256);
  }

  get count(): number {
    return this.summary.count;
  }

  get clipShape(): ClipShape {
    return this.summary.clipShape;
  }

  /** Pixels of clip `index`: uint8 `[frames, height, width, 3]` (a view: copy it to keep it). */
  async pixels(index: number): Promise<Uint8Array> {
    const { loaded, row } = await this.locate(index);
    const bytes = this.clipBytes();
    return loaded.pixels.subarray(row * bytes, (row + 1) * bytes);
  }

  /** Where clip `index` came from. */
  async provenance(index: number): Promise<ClipProvenance> {
    const { loaded, row } = await this.locate(index);
    const b = loaded.batch;
    return {
      video: b.getChild('video')?.get(row) as string,
      startFrame: b.getChild('start_frame')?.get(row) as number,
      cropX: b.getChild('crop_x')?.get(row) as number,
      cropY: b.getChild('crop_y')?.get(row) as number,
      movement: b.getChild('movement')?.get(row) as number,
      unfiltered: b.getChild('unfiltered')?.get(row) as boolean,
    };
  }

  /** The clips at `indices` as a training batch. */
  async batch(indices: ArrayLike<number>): Promise<ClipBatch> {
    const list = Uint32Array.from(indices);
    const clips = await Promise.all(Array.from(list, (i) => this.pixels(i)));
    return stackClips(clips, this.clipShape, list);
  }

  /** The order of epoch `epoch`: a permutation of all clips, from `seed` and the epoch alone. */
  epochOrder(seed: number, epoch: number): Uint32Array {
    return new SeededRandom(`epoch:${seed}:${epoch}`).permutation(this.count);
  }

  /** Batches of shuffled epochs, forever, assembled `prefetch` ahead. Each epoch drops its last partial batch. */
  async *batches(options: BatchIteratorOptions): AsyncGenerator<EpochBatch> {
    const perEpoch = Math.floor(this.count / options.batchSize);
    if (perEpoch === 0) {
      throw new ClipStoreError(`holds ${this.count} clips, fewer than one batch of ${options.batchSize}`, { file: this.dir });
    }
    let epoch = options.startEpoch ?? 0;
    let next = options.startBatch ?? 0;
    let order = this.epochOrder(options.seed, epoch);
    const ahead: Promise<EpochBatch>[] = [];
    const enqueue = () => {
      if (next >= perEpoch) {
        epoch += 1;
        next = 0;
        order = this.epochOrder(options.seed, epoch);
      }
      const e = epoch;
      const n = next;
      const indices = order.subarray(n * options.batchSize, (n + 1) * options.batchSize);
      const pending = this.batch(indices).then((b) => ({ ...b, epoch: e, batchInEpoch: n }));
      pending.catch(() => undefined);
      ahead.push(pending);
      next += 1;
    };
    const depth = Math.max(1, options.prefetch ?? 2);
    while (ahead.length < depth) enqueue();
    for (;;) {
      const current = await (ahead.shift() as Promise<EpochBatch>);
      enqueue();
      yield current;
    }
  }

  async close(): Promise<void> {
    const open = await Promise.allSettled(this.shards.values());
    this.shards.clear();
    this.cache.clear();
    for (const result of open) if (result.status === 'fulfilled') await result.value.handle.close();
  }

  private clipBytes(): number {
    const [t, h, w, c] = this.clipShape;
    return t * h * w * c;
  }

  private async locate(index: number): Promise<{ loaded: LoadedBatch; row: number }> {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`clip index ${index} is outside the store (0 … ${this.count - 1})`);
    }
    let lo = 0;
    let hi = this.firstClips.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstClips[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    const local = index - this.firstClips[lo];
    const perBatch = this.summary.recordBatchSize;
    const batchIndex = Math.floor(local / perBatch);
    const loaded = await this.recordBatch(lo, batchIndex);
    return { loaded, row: local - batchIndex * perBatch };
  }

  private recordBatch(shardIndex: number, batchIndex: number): Promise<LoadedBatch> {
    const key = `${shardIndex}:${batchIndex}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit); // most recently used last
      return hit;
    }
    const loading = this.readBatch(shardIndex, batchIndex);
    this.cache.set(key, loading);
    loading.catch(() => this.cache.delete(key));
    while (this.cache.size > this.cacheBatches) this.cache.delete(this.cache.keys().next().value as string);
    return loading;
  }

  private async readBatch(shardIndex: number, batchIndex: number): Promise<LoadedBatch> {
    const shard = await this.openShard(shardIndex);
    const file = path.join(this.dir, this.summary.shards[shardIndex].file);
    const read = shard.queue.then(() => shard.reader.readRecordBatch(batchIndex));
    shard.queue = read.catch(() => undefined);
    let batch: RecordBatch | null;
    try {
      batch = await read;
    } catch (error) {
      throw new ClipStoreError(`corrupt shard (${(error as Error).message})`, { file, cause: error });
    }
    if (!batch) throw new ClipStoreError(`corrupt shard (record batch ${batchIndex} is missing)`, { file });
    const data = batch.getChild('pixels')?.data[0];
    const values = data?.children[0]?.values as Uint8Array | undefined;
    if (!data || !values) throw new ClipStoreError('corrupt shard (no pixels column)', { file });
    const bytes = this.clipBytes();
    const pixels = values.subarray(data.offset * bytes, (data.offset + batch.numRows) * bytes);
    if (pixels.length !== batch.numRows * bytes) throw new ClipStoreError('corrupt shard (pixel data is short)', { file });
    return { pixels, batch };
  }

  private openShard(shardIndex: number): Promise<OpenShard> {
    let opening = this.shards.get(shardIndex);
    if (!opening) {
      opening = this.doOpenShard(shardIndex);
      this.shards.set(shardIndex, opening);
      opening.catch(() => this.shards.delete(shardIndex));
    }
    return opening;
  }

  private async doOpenShard(shardIndex: number): Promise<OpenShard> {
    const record = this.summary.shards[shardIndex];
    const file = path.join(this.dir, record.file);
    const handle = await fs.open(file);
    try {
      const reader = await RecordBatchReader.from(handle);
      await reader.open();
      if (!reader.isFile()) throw new Error('not an Arrow IPC file');
      const shape = reader.schema.metadata.get('nextframe.clip_shape');
      if (shape !== JSON.stringify(this.clipShape)) throw new Error(`clip shape ${shape} differs from clips.json`);
      const expectedBatches = Math.ceil(record.count / this.summary.recordBatchSize);
      const fileReader = reader as unknown as OpenShard['reader'];
      if (fileReader.numRecordBatches !== expectedBatches) {
        throw new Error(`${fileReader.numRecordBatches} record batches, expected ${expectedBatches}`);
      }
      return { reader: fileReader, handle, queue: Promise.resolve() };
    } catch (error) {
      await handle.close();
      throw new ClipStoreError(`corrupt or truncated shard (${(error as Error).message})`, { file, cause: error });
    }
  }
}
