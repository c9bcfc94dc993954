#!/usr/bin/env node
import * as nodeModule from 'node:module';

// Node.js 22.1+ can cache compiled modules on disk, so later starts skip most parsing; older versions have no
// such cache and skip this.
nodeModule.enableCompileCache?.();
// The command line as bundled by the build (bundle-cli): start.js answers a plain --help or --version from text
// recorded at build time; anything else loads the bundle, one file instead of dozens of modules, whose commands
// load their library code from chunks when they run.
const { start } = await import('../dist/cli-bundle/start.js');

process.exitCode = await start(process.argv.slice(2));
