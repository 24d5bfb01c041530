import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CreateNodesContextV2, CreateNodesResult } from '@nx/devkit';
import { createNodesV2 } from './index';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-plugin-'));
  await fs.writeFile(path.join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { paths: {} } }));
  await fs.mkdir(path.join(root, 'apps', 'train'), { recursive: true });
  await fs.writeFile(path.join(root, 'apps', 'train', 'project.json'), JSON.stringify({ name: 'train' }));
  await fs.mkdir(path.join(root, 'data-manifests'));
  for (const name of ['train', 'mine']) {
    await fs.writeFile(path.join(root, 'data-manifests', `${name}.json`), JSON.stringify({ name, sources: [], stages: { train: {} } }));
  }
  await fs.writeFile(path.join(root, 'data-manifests', 'manifest.schema.json'), '{}');
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('createNodesV2', () => {
  it('makes a project per manifest (not the schema), renaming one that clashes with a workspace project', async () => {
    const [pattern, create] = createNodesV2;
    expect(pattern).toBe('data-manifests/*.json');
    const files = ['data-manifests/manifest.schema.json', 'data-manifests/mine.json', 'data-manifests/train.json'];
    const results = (await create(files, undefined, { workspaceRoot: root, nxJsonConfiguration: {} } as CreateNodesContextV2)) as [string, CreateNodesResult][];
    const names = results.map(([file, result]) => [file, Object.values(result.projects ?? {}).map((p) => p.name)]);
    expect(names).toEqual([
      ['data-manifests/mine.json', ['mine']],
      ['data-manifests/train.json', ['train-dataset']],
    ]);
    const clashing = Object.values(results[1][1].projects ?? {})[0];
    expect(clashing.root).toBe('data-manifests/train');
    expect(clashing.targets?.train.options.command).toBe('node apps/cli/bin/nextframe.js train --manifest=train --overwrite');
  });
});
