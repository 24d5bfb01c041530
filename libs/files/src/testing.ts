/**
 * Test fixtures (`@nextframe/files/testing`): a real temporary folder per test file or per test.
 * Production code never imports this.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Registers Jest hooks that create a fresh folder under the OS temp dir (once per file, or before
 * each test with `each: true`) and remove it afterwards. Returns a getter for its path.
 */
export function useTempDir(prefix: string, options: { each?: boolean } = {}): () => string {
  let dir = '';
  const create = async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), `nextframe-${prefix}-`));
  };
  const remove = async () => {
    await fs.rm(dir, { recursive: true, force: true });
  };
  if (options.each) {
    beforeEach(create);
    afterEach(remove);
  } else {
    beforeAll(create);
    afterAll(remove);
  }
  return () => dir;
}
