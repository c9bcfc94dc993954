#!/usr/bin/env node
import * as nodeModule from 'node:module';

// Node.js 22.1+ can cache compiled modules on disk, so later starts skip most parsing; older versions have no
// such cache and skip this.
nodeModule.enableCompileCache?.();
// The command line as one bundled file (the build's bundle-cli step): Node resolves and reads one module at
// start-up instead of dozens; each command's library code loads from its own chunk when that command runs.
const { main } = await import('../dist/cli-bundle/index.js');

process.exitCode = await main(process.argv.slice(2));
