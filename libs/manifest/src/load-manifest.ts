import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';
import type { z } from 'zod';
import { manifestSchema, type Manifest } from './manifest-schema';

export class ManifestError extends NextframeError {}

export interface LoadedManifest {
  manifest: Manifest;
  /** Absolute path of the manifest file. */
  file: string;
  /** Absolute folder stage outputs go to: `<workspace>/data/<name>` (where the Nx targets cache them). */
  dataDir: string;
  /** The workspace root relative paths are resolved against. */
  workspaceRoot: string;
}

/**
 * Load and validate a manifest by name (`demo` → `data-manifests/demo.json`) or path.
 * Every problem is a `ManifestError` naming the file and the field.
 */
export async function loadManifest(nameOrPath: string, workspaceRoot: string): Promise<LoadedManifest> {
  const byPath = nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes(path.sep);
  const file = path.resolve(workspaceRoot, byPath ? nameOrPath : path.join('data-manifests', `${nameOrPath}.json`));
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const known = await listManifests(workspaceRoot);
    const hint = code === 'ENOENT' && known.length ? ` (known manifests: ${known.join(', ')})` : '';
    throw new ManifestError(code === 'ENOENT' ? `no such manifest${hint}` : `cannot read manifest (${code})`, { file: shown });
  }
  const manifest = parseManifest(text, shown);
  const expectedName = path.basename(file, '.json');
  if (manifest.name !== expectedName) {
    throw new ManifestError(`name is '${manifest.name}' but the file is ${expectedName}.json: they must match`, { file: shown });
  }
  return {
    manifest,
    file,
    dataDir: path.resolve(workspaceRoot, 'data', manifest.name),
    workspaceRoot,
  };
}

/** Parse and validate manifest JSON text; `shownFile` names it in errors. */
export function parseManifest(text: string, shownFile: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`invalid JSON (${(error as Error).message})`, { file: shownFile });
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) throw new ManifestError(describeIssues(result.error), { file: shownFile });
  return result.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => describeIssue(issue, []))
    .join('; ');
}

/** One issue as `path.to[0].field: message`; for a union, the issue of the branch that came closest. */
function describeIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[]): string {
  const fullPath = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0];
    if (closest.length > 0) return describeIssue(closest[0], fullPath);
  }
  const where = fullPath.length
    ? fullPath.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
    : '(top level)';
  return `${where}: ${issue.message}`;
}

/** Names of the manifests in `data-manifests/`. */
export async function listManifests(workspaceRoot: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(path.join(workspaceRoot, 'data-manifests'));
    return entries.filter((e) => e.endsWith('.json') && !e.endsWith('.schema.json')).map((e) => e.slice(0, -5)).sort();
  } catch {
    return [];
  }
}
