/**
 * Test fixtures (`@nextframe/files/testing`): a real temporary folder per test file or per test.
 * Production code never imports this.
 */
import { promises as fs, watch as fsWatch } from 'node:fs';
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

/**
 * Resolves once `ready()` is true: checked at once and again on every change `fs.watch` reports
 * anywhere under `dir` (which must exist), instead of polling on a timer. Rejects with
 * `never: <what>` after `timeoutMs`. For tests that act when a child process has written enough.
 */
export async function whenFilesChange(dir: string, ready: () => Promise<boolean>, what: string, timeoutMs = 60000): Promise<void> {
  const watcher = fsWatch(dir, { recursive: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let checking = false;
      let again = false;
      const check = async () => {
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            if (await ready()) return resolve();
          } while (again);
        } catch (error) {
          reject(error);
        } finally {
          checking = false;
        }
      };
      watcher.on('change', () => void check());
      watcher.on('error', reject);
      timer = setTimeout(() => reject(new Error(`never: ${what}`)), timeoutMs);
      void check();
    });
  } finally {
    clearTimeout(timer);
    watcher.close();
  }
}
