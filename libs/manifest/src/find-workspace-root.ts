import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The nearest folder at or above `from` holding `nx.json` and `data-manifests/`; `from` when none. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json')) && existsSync(path.join(dir, 'data-manifests'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}
