import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { STORE_FORMAT, STORE_VERSION, SUMMARY_FILE, type StoreSummary } from './clip-store-format';
import { ClipStoreError } from './data-errors';

/** Read and check `clips.json`, and that every shard it lists is there with its recorded size. */
export async function readStoreSummary(storeDir: string, options: { allowMissing: true }): Promise<StoreSummary | undefined>;
export async function readStoreSummary(storeDir: string, options?: { allowMissing?: false }): Promise<StoreSummary>;
export async function readStoreSummary(storeDir: string, options: { allowMissing?: boolean } = {}): Promise<StoreSummary | undefined> {
  const file = path.join(storeDir, SUMMARY_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.allowMissing) return undefined;
    if (code === 'ENOENT') {
      const dirExists = await fs.stat(storeDir).then(() => true, () => false);
      throw new ClipStoreError(dirExists ? `not a clip store (no ${SUMMARY_FILE})` : 'no such clip store', { file: storeDir });
    }
    throw new ClipStoreError(`cannot read (${code})`, { file });
  }
  let summary: StoreSummary;
  try {
    summary = JSON.parse(text) as StoreSummary;
  } catch (error) {
    throw new ClipStoreError(`corrupt (${(error as Error).message})`, { file });
  }
  if (summary.format !== STORE_FORMAT || summary.version !== STORE_VERSION) {
    throw new ClipStoreError(`not a ${STORE_FORMAT} v${STORE_VERSION} summary`, { file });
  }
  for (const shard of summary.shards) {
    const shardFile = path.join(storeDir, shard.file);
    const stat = await fs.stat(shardFile).catch(() => undefined);
    if (!stat) throw new ClipStoreError('shard listed in clips.json is missing', { file: shardFile });
    if (stat.size !== shard.bytes) {
      throw new ClipStoreError(`shard is ${stat.size} bytes, clips.json records ${shard.bytes}: truncated or changed`, { file: shardFile });
    }
  }
  return summary;
}
