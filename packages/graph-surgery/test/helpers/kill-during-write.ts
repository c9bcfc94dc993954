/**
 * Child process for the crash-safety tests: copies MODEL to OUT with writeModel and, when KILL_AT names a step of
 * the write, kills itself with SIGKILL right after that step (no cleanup runs, as in a real kill -9). Prints every
 * step it reaches, one per line. Run as `node --import tsx kill-during-write.ts MODEL OUT [KILL_AT] [LOCATION]`.
 */
import { readModel, writeModel } from '../../src/index.js';

const [model, out, killAt, location] = process.argv.slice(2);
const loaded = await readModel(model!);
await writeModel(loaded, out!, {
  externalData: location ? { location, sizeThreshold: 0 } : 'preserve',
  onStep: (step) => {
    process.stdout.write(`${step}\n`);
    if (step === killAt) process.kill(process.pid, 'SIGKILL');
  },
});
