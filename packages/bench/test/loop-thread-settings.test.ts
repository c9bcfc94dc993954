import { describe, expect, it } from 'vitest';
import { getStack, STACK_NAMES } from '../src/stacks/registry.js';
import { loopSpinsByDefault, threadSettings } from '../src/tracker/open-modules.js';

describe('intra-op threads of the tracking loop sessions', () => {
  it('only ort-cpu computes on the host', () => {
    expect(STACK_NAMES.filter((n) => getStack(n).computesOnHost)).toEqual(['ort-cpu']);
  });

  it("a GPU stack's session gets one thread and no spinning; ort-cpu keeps ONNX Runtime's pool", () => {
    expect(threadSettings(false, {})).toEqual({ threads: 1, allowSpinning: false });
    const host = threadSettings(true, {});
    expect(host.threads).toBeUndefined();
    expect(host.allowSpinning).toBe(loopSpinsByDefault());
  });

  it('given threads and spinning apply to every stack', () => {
    expect(threadSettings(false, { threads: 4, allowSpinning: true })).toEqual({
      threads: 4,
      allowSpinning: true,
      stopSpinningAfterRun: true,
    });
    expect(threadSettings(true, { threads: 2, allowSpinning: false })).toEqual({ threads: 2, allowSpinning: false });
  });
});
