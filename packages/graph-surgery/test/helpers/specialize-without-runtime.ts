// Child process of test/specialize-optional-runtime.test.ts: specialises the tiny image_encoder with onnxruntime-node
// unresolvable and prints the report as JSON.
import { buildZoo, specializeModel } from '../../src/index.js';

const { modules } = buildZoo({ model: 'efficienttam-ti', size: 'tiny', modules: ['image_encoder'] });
const { report } = await specializeModel(modules.image_encoder!);
process.stdout.write(JSON.stringify(report));
