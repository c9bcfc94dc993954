import { describe, expect, it } from 'vitest';

// Vitest runs each test file in its own process (pool: forks), so this file sees a process where nothing has
// loaded onnxruntime-node yet.
const loadedOrtLibraries = () =>
  (process.report.getReport() as { sharedObjects: string[] }).sharedObjects.filter((so) => /onnxruntime/.test(so));

describe('lazy loading', () => {
  it('importing bench and creating runners loads no native code; the first probe does', async () => {
    const bench = await import('../src/index.js');
    const runner = bench.createRunner('ort-cpu');
    expect(runner.isActive).toBe(false);
    expect(loadedOrtLibraries()).toEqual([]);
    await bench.STACKS['ort-cpu'].probe();
    expect(loadedOrtLibraries().length).toBeGreaterThan(0);
  });
});
