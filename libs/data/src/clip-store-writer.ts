import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { writeFileAtomic, writeJsonAtomic } from '@nextframe/files';
import {
  STORE_FORMAT,
  STORE_VERSION,
  SUMMARY_FILE,
  arrowFileBytes,
  type ClipShape,
  type RunRecord,
  type StoreSummary,
} from './clip-store-format';
import type { CropSettings } from './crop-settings';
import { ClipStoreError } from './data-errors';
import { readStoreSummary } from './read-store-summary';

const SHARD_NAME = /^clips-(\d{6})\.arrow$/;
/** Temp files of `writeFileAtomic` (shards) and of clips.json. */
const TEMP_NAME = /^\.clips(-\d{6}\.arrow|\.json)\.tmp-[\d-]+$/;

/**
 * Adds whole shards to a clip store. Each shard is written to a temp file, flushed and renamed;
 * `clips.json` is rewritten (atomically) after each one. So a store only ever holds whole shards,
 * and `clips.json` says which run is unfinished, for the next call to finish it.
 */
export class ClipStoreWriter {
  private constructor(
    private readonly storeDir: string,
    public summary: StoreSummary,
  ) {}

  static async open(args: {
    storeDir: string;
    shape: ClipShape;
    settings: CropSettings;
    shardSize: number;
    recordBatchSize: number;
    overwrite: boolean;
  }): Promise<ClipStoreWriter> {
    const { storeDir } = args;
    await fs.mkdir(storeDir, { recursive: true });
    if (args.overwrite) await removeStoreFiles(storeDir);
    let summary = await readStoreSummary(storeDir, { allowMissing: true });
    if (summary) {
      assertCompatible(summary, args.shape, args.settings, storeDir);
    } else {
      const leftovers = (await fs.readdir(storeDir)).filter((f) => SHARD_NAME.test(f));
      if (leftovers.length) {
        throw new ClipStoreError(`holds clip shards but no ${SUMMARY_FILE}; use --overwrite to start a new store`, { file: storeDir });
      }
      summary = {
        format: STORE_FORMAT,
        version: STORE_VERSION,
        count: 0,
        clipShape: args.shape,
        settings: args.settings,
        shardSize: args.shardSize,
        recordBatchSize: args.recordBatchSize,
        runs: [],
        shards: [],
      };
    }
    await removeStrays(storeDir, summary);
    return new ClipStoreWriter(storeDir, summary);
  }

  /** Start a run, or pick up the unfinished one when it is the same request. */
  async beginRun(request: Omit<RunRecord, 'firstClip' | 'complete'>): Promise<{ run: RunRecord; alreadyWritten: number; resumed: boolean }> {
    const last = this.summary.runs[this.summary.runs.length - 1];
    if (last && !last.complete) {
      const same =
        last.seed === request.seed && last.clipCount === request.clipCount && last.framesFingerprint === request.framesFingerprint;
      if (!same) {
        throw new ClipStoreError(
          `an unfinished run is in this store (seed ${last.seed}, ${last.clipCount} clips from ${last.framesDir}); ` +
            'run it again with the same frames and options to finish it, or use --overwrite',
          { file: this.storeDir },
        );
      }
      return { run: last, alreadyWritten: this.summary.count - last.firstClip, resumed: true };
    }
    const run: RunRecord = { ...request, firstClip: this.summary.count, complete: false };
    this.summary.runs.push(run);
    await this.saveSummary();
    return { run, alreadyWritten: 0, resumed: false };
  }

  /** Write one whole shard of clips. */
  async writeShard(batches: readonly RecordBatch[]): Promise<void> {
    const bytes = await arrowFileBytes(batches);
    const count = batches.reduce((n, b) => n + b.numRows, 0);
    const file = `clips-${String(this.summary.shards.length).padStart(6, '0')}.arrow`;
    await writeFileAtomic(path.join(this.storeDir, file), bytes);
    this.summary.shards.push({
      file,
      count,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      firstClip: this.summary.count,
    });
    this.summary.count += count;
    await this.saveSummary();
  }

  async endRun(): Promise<void> {
    const last = this.summary.runs[this.summary.runs.length - 1];
    if (last) last.complete = true;
    await this.saveSummary();
  }

  private async saveSummary(): Promise<void> {
    await writeJsonAtomic(path.join(this.storeDir, SUMMARY_FILE), this.summary);
  }
}

function assertCompatible(summary: StoreSummary, shape: ClipShape, settings: CropSettings, storeDir: string): void {
  const same = JSON.stringify(summary.clipShape) === JSON.stringify(shape) && JSON.stringify(summary.settings) === JSON.stringify(settings);
  if (!same) {
    const [t, h, w] = summary.clipShape;
    throw new ClipStoreError(
      `holds ${w}x${h}x${t} clips made with ${JSON.stringify(summary.settings)}; this run asks for ` +
        `${shape[2]}x${shape[1]}x${shape[0]} with ${JSON.stringify(settings)}: use another --out, or --overwrite`,
      { file: storeDir },
    );
  }
}

/** Temp files of killed runs, and shards renamed into place but never recorded in clips.json. */
async function removeStrays(storeDir: string, summary: StoreSummary): Promise<void> {
  const recorded = new Set(summary.shards.map((s) => s.file));
  for (const entry of await fs.readdir(storeDir)) {
    const stray = TEMP_NAME.test(entry) || (SHARD_NAME.test(entry) && !recorded.has(entry));
    if (stray) await fs.rm(path.join(storeDir, entry), { force: true });
  }
}

async function removeStoreFiles(storeDir: string): Promise<void> {
  for (const entry of await fs.readdir(storeDir)) {
    if (entry === SUMMARY_FILE || SHARD_NAME.test(entry) || TEMP_NAME.test(entry)) {
      await fs.rm(path.join(storeDir, entry), { force: true });
    }
  }
}
