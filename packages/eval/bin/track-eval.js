#!/usr/bin/env node
import * as nodeModule from 'node:module';

// Node.js 22.1+ can cache compiled modules on disk, so later starts skip most parsing; older versions have no
// such cache and skip this.
nodeModule.enableCompileCache?.();
// start.js (bundle-cli --serve-only) answers a plain --help from text recorded at build time; anything else loads
// dist/cli as it is (the CLI stays unbundled: its probes and worker threads start files next to their modules).
const { start } = await import('../dist/cli-bundle/start.js');

process.exitCode = await start(process.argv.slice(2));
