/**
 * Where the tracking loop keeps module outputs: on the device (chained into the next module of the same stack
 * without a host round trip) or on the host. Keeping them on the device is not always faster: on the real
 * export under WebGPU it made the loop 2.3 ms slower (43.8 vs 41.5 ms/frame), since the tracker reads most
 * outputs on the host anyway and a download after the run costs more than ONNX Runtime's own copy inside it.
 * So bench measures both ways for a few frames, interleaved, and keeps the faster (`auto`).
 */
import { median } from '@tamkit/common';

/** `--device-outputs`: keep outputs on the device, on the host, or measure both and pick the faster. */
export const DEVICE_OUTPUT_MODES = ['on', 'off', 'auto'] as const;
export type DeviceOutputMode = (typeof DEVICE_OUTPUT_MODES)[number];

/** Frame times of the two placements, measured interleaved (same frames, alternating which goes first). */
export interface PlacementSamples {
  /** ms per frame with outputs kept on the device. */
  on: readonly number[];
  /** ms per frame with outputs copied to the host. */
  off: readonly number[];
}

/** What the calibration decided, as the report records it. */
export interface DeviceOutputChoice {
  mode: DeviceOutputMode;
  /** The placement the timed loop ran with. */
  chosen: 'on' | 'off';
  /** Why: the calibration's medians, or the reason none ran. */
  reason: string;
  /** The calibration's medians (absent without one). */
  onP50Ms?: number;
  offP50Ms?: number;
  calibrationFrames?: number;
}

/**
 * Picks the placement with the lower median frame time. A difference under `minGain` (relative, default 1%)
 * is within noise: the host placement is kept then, the simpler path (no device buffers to release).
 */
export function chooseDeviceOutputs(samples: PlacementSamples, minGain = 0.01): DeviceOutputChoice {
  if (samples.on.length === 0 || samples.off.length === 0) {
    throw new RangeError('chooseDeviceOutputs: both placements need at least one frame time');
  }
  const onP50Ms = median([...samples.on]);
  const offP50Ms = median([...samples.off]);
  const gain = (offP50Ms - onP50Ms) / offP50Ms;
  const chosen = gain >= minGain ? 'on' : 'off';
  const verdict =
    chosen === 'on'
      ? `outputs on the device: ${(gain * 100).toFixed(1)}% faster`
      : gain <= -minGain
        ? `host copies: ${(-gain * 100).toFixed(1)}% faster than keeping outputs on the device`
        : `host copies: the two are within ${(minGain * 100).toFixed(0)}% (${(gain * 100).toFixed(1)}%)`;
  return {
    mode: 'auto',
    chosen,
    reason: `calibrated over ${samples.on.length} frame(s) each way, interleaved: device ${onP50Ms.toFixed(3)} ms vs host ${offP50Ms.toFixed(3)} ms per frame p50; ${verdict}`,
    onP50Ms,
    offP50Ms,
    calibrationFrames: samples.on.length,
  };
}

/** The decision without a calibration: a fixed mode, or `auto` where no module can keep outputs on a device. */
export function fixedDeviceOutputs(mode: DeviceOutputMode, capable: boolean): DeviceOutputChoice | undefined {
  if (mode === 'auto' && capable) return undefined;
  if (!capable) {
    return {
      mode,
      chosen: 'off',
      reason: 'no module runs on a stack that keeps outputs on the device: host copies',
    };
  }
  return { mode, chosen: mode === 'on' ? 'on' : 'off', reason: `--device-outputs ${mode}` };
}
