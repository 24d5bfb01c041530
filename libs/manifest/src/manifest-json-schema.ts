import { z } from 'zod';
import { manifestSchema } from './manifest-schema';

/**
 * The manifest schema as JSON Schema, for editors (`"$schema": "./manifest.schema.json"`).
 * `data-manifests/manifest.schema.json` is this, written by
 * `node --require tsx/cjs tools/workspace-scripts/src/write-manifest-schema.ts`; a test keeps them equal.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(manifestSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'nextframe dataset manifest',
    description: 'Sources, train/test split and stage parameters of one dataset. See data-manifests/README.md.',
  };
}
