import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { guardWrite } from '@nextframe/errors';

/**
 * Write a file so that readers only ever see the old content or the whole new content:
 * write a temp file beside it, flush it to disk, then rename over the target. A full disk is a
 * `DiskFullError` naming `filePath`, and leaves no temp file behind.
 */
export async function writeFileAtomic(filePath: string, data: string | Uint8Array): Promise<void> {
  await guardWrite(filePath, () => writeThenRename(filePath, data));
}

async function writeThenRename(filePath: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(filePath);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(filePath)}.tmp-${process.pid}-${Date.now()}`);
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, filePath);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** `JSON.stringify(value, null, 2)` plus a newline, written atomically. */
export async function writeJsonAtomic(filePath: string, value: unknown): Promise<void> {
  await writeFileAtomic(filePath, `${JSON.stringify(value, null, 2)}\n`);
}
