/**
 * The process-wide default of the crash probe (`OrtRunnerOptions.crashProbe`): off in the library, so that code
 * embedding bench pays nothing it did not ask for; the CLIs turn it on (`--no-crash-probe` keeps it off). When on,
 * stacks whose spec says so (`ort-cpu`) probe; a runner's own `crashProbe` option overrides both.
 */
let enabled = false;

export function setCrashProbeDefault(on: boolean): void {
  enabled = on;
}

export function crashProbeDefault(): boolean {
  return enabled;
}
