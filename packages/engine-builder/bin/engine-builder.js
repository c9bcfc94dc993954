#!/usr/bin/env node
import * as nodeModule from 'node:module';

// Node.js 22.1+ can cache compiled modules on disk, so later starts skip most parsing; older versions have no
// such cache and skip this.
nodeModule.enableCompileCache?.();
const { main } = await import('../dist/cli/index.js');

process.exitCode = await main(process.argv.slice(2));
