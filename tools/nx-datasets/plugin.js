// The local Nx plugin that makes every data-manifests/<name>.json a dataset project (see
// src/index.ts). Nx loads plugins as JavaScript; tsx compiles the TypeScript sources on the fly,
// as it does for the `nextframe` command, so there is no build step.
'use strict';
module.exports = require('tsx/cjs/api').require('./src/index.ts', __filename);
