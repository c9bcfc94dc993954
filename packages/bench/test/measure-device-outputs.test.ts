import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  BaseRunner,
  type Feeds,
  measureRunner,
  type Outputs,
  type RunnerCapabilities,
  type TensorInfo,
} from '../src/index.js';

/**
 * Test double for a GPU runner (no GPU here): its outputs claim to stay on the device and its download takes a
 * known extra time. It checks only how measureRunner separates inference from the device-to-host copy.
 */
class GpuRunnerDouble extends BaseRunner {
  readonly stack = 'gpu-runner-double';
  readonly capabilities: RunnerCapabilities = {
    inProcess: true,
    deviceOutputs: true,
    placement: false,
    selfTimed: false,
  };
  downloads = 0;

  protected async activateImpl(): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
    return { inputs: [], outputs: [{ name: 'y', type: 'float32', shape: [1] }] };
  }
  protected async inferImpl(): Promise<Outputs> {
    await sleep(1);
    return { y: { location: 'gpu-buffer', type: 'float32', dims: [1] } as unknown as Outputs[string] };
  }
  protected override async toHostImpl(): Promise<Outputs> {
    this.downloads += 1;
    await sleep(20);
    return {
      y: { location: 'cpu', type: 'float32', dims: [1], data: new Float32Array(1) } as unknown as Outputs[string],
    };
  }
  protected async deactivateImpl(): Promise<void> {}
}

describe('measureRunner with outputs that stay on the device', () => {
  it('times the inference and the device-to-host copy separately, counting only the timed runs', async () => {
    const runner = new GpuRunnerDouble();
    await runner.activate('double.onnx');
    const feeds: Feeds = {};
    const measured = await measureRunner(runner, feeds, { warmupIterations: 2, iterations: 6 }, {});
    expect(runner.downloads).toBe(8);
    expect(measured.latency.samples).toBe(6);
    expect(measured.d2h?.samples).toBe(6);
    // The copy (20 ms of sleep; timers may fire a little early under load) is not inside the inference samples.
    expect(measured.d2h!.minMs).toBeGreaterThanOrEqual(10);
    expect(measured.latency.p50Ms).toBeLessThan(measured.d2h!.p50Ms);
  });

  it('BAD CALL - rejects an invalid budget with a RangeError naming the field', async () => {
    const runner = new GpuRunnerDouble();
    await runner.activate('double.onnx');
    await expect(measureRunner(runner, {}, { iterations: 0 }, {})).rejects.toThrow(/budget.iterations/);
    await expect(measureRunner(runner, {}, { timeMs: -1 }, {})).rejects.toThrow(/budget.timeMs/);
  });
});
