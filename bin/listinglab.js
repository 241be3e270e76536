#!/usr/bin/env node
// The `listinglab` command. npm puts the pinned Node 24 (the `node` devDependency) first on PATH
// for `npm run` and `npx`, and Node >= 22.18 runs the TypeScript sources directly (type stripping).
import '../service/main/cli.ts';
