/**
 * `bench cuda check`: what this machine has for the CUDA stack (driver, provider libraries per binding, CUDA
 * libraries the loader finds, CUDA libraries in Python packages that could be put on its path) and, where a
 * provider is installed, the self-test.
 */
import { CUDA_RUNTIME_LIBRARIES, locateLibraries, pythonCudaLibraryDirs } from './cuda-libraries.js';
import { type NvidiaDriver, probeNvidiaDriver } from './driver.js';
import { PROVIDER_LIBRARIES } from './provider-sources.js';
import { type SelfTestResult, selfTestBinding } from './self-test.js';
import { describeInstall, type InstalledProviders } from './status.js';

export interface CudaCheck {
  driver: NvidiaDriver;
  installs: InstalledProviders[];
  /** CUDA 12 and 13 runtime libraries the dynamic loader finds now: name -> path. */
  runtimeLibraries: Record<string, string>;
  /** Folders of CUDA libraries in Python packages (for LD_LIBRARY_PATH). */
  pythonLibraryDirs: string[];
  selfTests: SelfTestResult[];
}

/** Options of `checkCudaProvider`. */
export interface CudaCheckOptions {
  /** Installs to look at (default: the one bench runs from). */
  roots?: readonly string[];
  /** Run the self-test where a CUDA provider is installed (default true). */
  selfTest?: boolean;
  /** The driver probe (default the real one; tests pass a named double). */
  probeDriver?: () => NvidiaDriver;
}

/** Everything `bench cuda check` reports. Never throws for a missing driver or provider: the result says so. */
export async function checkCudaProvider(options: CudaCheckOptions = {}): Promise<CudaCheck> {
  const driver = (options.probeDriver ?? probeNvidiaDriver)();
  const installs = await describeInstall(options.roots);
  const names = [...new Set([...CUDA_RUNTIME_LIBRARIES[12], ...CUDA_RUNTIME_LIBRARIES[13]])];
  const runtimeLibraries = Object.fromEntries(locateLibraries(names));
  const selfTests: SelfTestResult[] = [];
  if (options.selfTest !== false) {
    for (const i of installs) {
      if (!i.present.includes(PROVIDER_LIBRARIES.cuda)) continue;
      selfTests.push(
        await selfTestBinding({ packageDir: i.packageDir, bindingDir: i.bindingDir, version: i.coreVersion }),
      );
    }
  }
  return { driver, installs, runtimeLibraries, pythonLibraryDirs: pythonCudaLibraryDirs(), selfTests };
}
