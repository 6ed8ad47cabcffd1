// SPDX-License-Identifier: MIT
// Loaded with `node --import` so that the test files, which live in the source tree, resolve the
// pinned npm packages from the node_modules that `npm ci` installed in the build directory
// (HOOKS_INTEROP_NODE_MODULES). Without that variable, Node's ordinary resolution applies.
import { register } from 'node:module';

const nodeModules = process.env.HOOKS_INTEROP_NODE_MODULES;
if (nodeModules) {
    register('./resolve_hook.mjs', import.meta.url, { data: { nodeModules } });
}
