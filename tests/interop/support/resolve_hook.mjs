// SPDX-License-Identifier: MIT
// Module resolution hook (see register.mjs): bare package specifiers are resolved as if imported
// from a file next to the installed node_modules directory.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let parentURL;

export function initialize({ nodeModules }) {
    parentURL = pathToFileURL(path.join(path.resolve(nodeModules), '..', 'interop.mjs')).href;
}

function isBarePackage(specifier) {
    return !/^(node:|data:|file:|\.{0,2}\/)/.test(specifier) && !path.isAbsolute(specifier);
}

export async function resolve(specifier, context, nextResolve) {
    if (parentURL && isBarePackage(specifier) && !context.parentURL?.includes('/node_modules/')) {
        try {
            return await nextResolve(specifier, { ...context, parentURL });
        } catch {
            // Not an installed package (a Node builtin without the node: prefix, for instance).
        }
    }
    return nextResolve(specifier, context);
}
