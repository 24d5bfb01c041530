/** Writes data-manifests/manifest.schema.json from the manifest's zod schema. */
import * as path from 'node:path';
import { writeJsonAtomic } from '@nextframe/files';
import { findWorkspaceRoot, manifestJsonSchema } from '@nextframe/manifest';

const file = path.join(findWorkspaceRoot(), 'data-manifests', 'manifest.schema.json');
writeJsonAtomic(file, manifestJsonSchema()).then(() => process.stdout.write(`wrote ${file}\n`));
