import { bakeSuite, precisionSuite } from './helpers/zoo-suites.js';

bakeSuite('full');
precisionSuite('full');

// Pass speed is a benchmark, not a test: `npm run bench:passes` (packages/graph-surgery/bench/pass-timings.ts).
