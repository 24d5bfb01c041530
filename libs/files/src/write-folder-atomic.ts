import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { guardWrite } from '@nextframe/errors';
import { createStagingDir } from './staging-dir';

/**
 * Write a folder of files so that `dir` is only ever absent, the old folder, or the complete new
 * one: files go to a staging folder, are flushed, and the folder is renamed into place.
 */
export async function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const staging = await createStagingDir(dir);
  try {
    for (const [name, content] of Object.entries(files)) {
      if (name.includes('/') || name.includes(path.sep) || name.startsWith('.')) throw new RangeError(`bad file name '${name}'`);
      await guardWrite(path.join(dir, name), async () => {
        const handle = await fs.open(path.join(staging.path, name), 'w');
        try {
          await handle.writeFile(content);
          await handle.sync();
        } finally {
          await handle.close();
        }
      });
    }
    await staging.commit();
  } catch (error) {
    await staging.discard();
    throw error;
  }
}
