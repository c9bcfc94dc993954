import { describe, expect, it } from 'vitest';
import {
  bakeModule,
  convertToFloat16,
  EFFICIENTTAM_MODULES,
  emulateFloat16,
  insertFp32Islands,
  probeTensors,
} from '../src/index.js';
import { zooModule } from './helpers/zoo.js';
import { bakeSuite, islandsFor, precisionSuite } from './helpers/zoo-suites.js';

bakeSuite('full');
precisionSuite('full');

describe('pass speed on the full zoo', () => {
  it('every pass on every full-size module takes under 2 s', () => {
    const timings: Record<string, Record<string, number>> = {};
    const time = (f: () => unknown) => {
      const t = performance.now();
      f();
      return Math.round(performance.now() - t);
    };
    for (const module of EFFICIENTTAM_MODULES) {
      const model = zooModule('full', module);
      const half = convertToFloat16(model).model;
      const row: Record<string, number> = {
        fp16: time(() => convertToFloat16(model)),
        'fp32-islands': time(() => insertFp32Islands(half, { patterns: islandsFor(module) })),
        'emulate-fp16': time(() => emulateFloat16(model, { fusedAttention: true })),
        probe: time(() => probeTensors(model, { pattern: 'layernorm' })),
      };
      if (module !== 'memory_encoder') row.bake = time(() => bakeModule(model, { maskBox: true }));
      timings[module] = row;
    }
    console.info(`pass timings on the full zoo (ms): ${JSON.stringify(timings)}`);
    for (const row of Object.values(timings)) for (const ms of Object.values(row)) expect(ms).toBeLessThan(2000);
  });
});
