import { describe, expect, it } from 'vitest';
import { chooseDeviceOutputs, fixedDeviceOutputs } from '../src/pipeline/device-outputs.js';

// Injected frame times (ms): the chooser is a pure function of the calibration's samples.
describe('chooseDeviceOutputs', () => {
  it('keeps outputs on the device when that is faster by more than the minimum gain', () => {
    const choice = chooseDeviceOutputs({ on: [40, 41, 39, 40], off: [44, 45, 43, 44] });
    expect(choice.chosen).toBe('on');
    expect(choice.onP50Ms).toBe(40);
    expect(choice.offP50Ms).toBe(44);
    expect(choice.calibrationFrames).toBe(4);
    expect(choice.reason).toMatch(/device 40\.000 ms vs host 44\.000 ms/);
  });

  it('copies to the host when keeping outputs on the device is slower (the real export under WebGPU)', () => {
    const choice = chooseDeviceOutputs({ on: [43.8, 44.1, 43.5], off: [41.5, 41.2, 41.9] });
    expect(choice.chosen).toBe('off');
    expect(choice.reason).toMatch(/host copies: .*% faster/);
  });

  it('judges by the median, so one slow outlier frame does not decide', () => {
    expect(chooseDeviceOutputs({ on: [30, 30, 30, 30, 400], off: [33, 33, 33, 33, 33] }).chosen).toBe('on');
  });

  it('keeps host copies when the two are within the minimum gain', () => {
    const choice = chooseDeviceOutputs({ on: [99.5], off: [100] }, 0.01);
    expect(choice.chosen).toBe('off');
    expect(choice.reason).toMatch(/within 1%/);
    expect(chooseDeviceOutputs({ on: [99.5], off: [100] }, 0.001).chosen).toBe('on');
  });

  it('BAD CALL - refuses a calibration without frames on a side', () => {
    expect(() => chooseDeviceOutputs({ on: [], off: [1] })).toThrow(RangeError);
  });
});

describe('fixedDeviceOutputs', () => {
  it('asks for a calibration only for auto on a stack that can keep outputs on the device', () => {
    expect(fixedDeviceOutputs('auto', true)).toBeUndefined();
    expect(fixedDeviceOutputs('auto', false)?.chosen).toBe('off');
    expect(fixedDeviceOutputs('on', true)?.chosen).toBe('on');
    expect(fixedDeviceOutputs('off', true)?.chosen).toBe('off');
    // A CPU-only pipeline copies whatever was asked.
    expect(fixedDeviceOutputs('on', false)?.chosen).toBe('off');
  });
});
