import type { TrtEnginePort } from './engine-port.js';

/** Options of the engine-builder adapter. */
export interface EngineBuilderPortOptions {
  /** nvidia-smi to ask for the GPU identity that keys the engine cache. Default `nvidia-smi` on PATH. */
  nvidiaSmi?: string;
}

/**
 * The trt-* stacks' port over @tamkit/engine-builder: `buildEngine` with the precision's default plan (mixed pins
 * attention and normalisation to FP32), cached by engine-builder; `timeEngine` runs `trtexec --loadEngine
 * --exportTimes` and returns its per-iteration times. engine-builder is imported on first use only.
 */
export function engineBuilderPort(options: EngineBuilderPortOptions = {}): TrtEnginePort {
  return {
    async buildEngine(request) {
      const engineBuilder = await import('@tamkit/engine-builder');
      const shapes = Object.keys(request.shapes).length > 0 ? request.shapes : undefined;
      const built = await engineBuilder.buildEngine(request.modelPath, {
        plan: request.plan ?? engineBuilder.planForPrecision(request.precision),
        trtexec: request.trtexecPath,
        cacheDir: request.cacheDir,
        // One optimisation profile at exactly the benchmarked shapes.
        ...(shapes === undefined ? {} : { shapes: { min: shapes, opt: shapes, max: shapes } }),
        ...(request.env === undefined ? {} : { env: request.env as NodeJS.ProcessEnv }),
        ...(options.nvidiaSmi === undefined ? {} : { nvidiaSmi: options.nvidiaSmi }),
      });
      const manifest = built.entry.manifest;
      return {
        enginePath: built.enginePath,
        tensorrtVersion: manifest.keyMaterial.trtVersion,
        command: [manifest.trtexec, ...manifest.args],
      };
    },
    async describeCommands(request) {
      const engineBuilder = await import('@tamkit/engine-builder');
      const shapes = Object.keys(request.shapes).length > 0 ? request.shapes : undefined;
      const env = request.env === undefined ? {} : { env: request.env as NodeJS.ProcessEnv };
      const trtexec = request.trtexecPath === undefined ? {} : { trtexec: request.trtexecPath };
      const described = await engineBuilder.describeBuild(request.modelPath, {
        plan: request.plan ?? engineBuilder.planForPrecision(request.precision),
        ...trtexec,
        ...env,
        ...(request.trtVersion === undefined ? {} : { trtVersion: request.trtVersion }),
        ...(shapes === undefined ? {} : { shapes: { min: shapes, opt: shapes, max: shapes } }),
      });
      const runArgs = engineBuilder.runTrtexecArgs('engine.plan', {
        ...(shapes === undefined ? {} : { shapes }),
        ...timingCount(request),
        exportTimesPath: 'times.json',
      });
      return {
        build: described.command,
        run: engineBuilder.formatCommandLine(engineBuilder.resolveTrtexec({ ...trtexec, ...env }), runArgs),
        graphEdits: described.graphEdits,
      };
    },
    async timeEngine(request) {
      const engineBuilder = await import('@tamkit/engine-builder');
      const timing = await engineBuilder.timeEngine(request.enginePath, {
        trtexec: request.trtexecPath,
        ...(Object.keys(request.shapes).length > 0 ? { shapes: request.shapes } : {}),
        ...timingCount(request),
        ...(request.env === undefined ? {} : { env: request.env as NodeJS.ProcessEnv }),
      });
      return {
        latencyMs: timing.iterations.map((i) => i.latencyMs),
        computeMs: timing.iterations.map((i) => i.computeMs),
        h2dMs: timing.iterations.map((i) => i.h2dMs),
        d2hMs: timing.iterations.map((i) => i.d2hMs),
        command: [timing.command],
      };
    },
  };
}

/** trtexec runs at least --iterations and at least --duration: a zero duration makes an iteration count exact. */
function timingCount(request: { iterations?: number; timeMs?: number }): { iterations?: number; durationS: number } {
  return request.iterations === undefined
    ? { durationS: Math.max(1, Math.ceil((request.timeMs ?? 3000) / 1000)) }
    : { iterations: request.iterations, durationS: 0 };
}
