/**
 * What provider libraries an install has: per onnxruntime-node binding, which libraries are present, the ONNX
 * Runtime version compiled into the CUDA provider, the manifest bench wrote when it installed them, and the
 * version skew against the core. `bench list`, `bench cuda check` and every report's environment read this.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindingDirOf, ortPackageDir } from '../stacks/ort/ort-package.js';
import { defaultInstallRoot, findOrtBindings, type OrtBinding } from './bindings.js';
import type { InstallManifest } from './install.js';
import { skewWarnings } from './install.js';
import { INSTALL_MANIFEST, PROVIDER_LIBRARIES } from './provider-sources.js';
import { readProviderOrtVersion } from './provider-version.js';
import { removeFiles } from './transaction.js';

/** The provider libraries of one binding. */
export interface InstalledProviders {
  packageDir: string;
  bindingDir: string;
  /** onnxruntime-node's version (the core). */
  coreVersion: string;
  /** Provider library file names present next to the binding. */
  present: string[];
  /** ONNX Runtime version compiled into the CUDA provider library, when it is there. */
  providerOrtVersion?: string;
  /** What bench recorded when it installed them (absent for libraries installed another way). */
  manifest?: InstallManifest;
  warnings: string[];
}

function readManifest(bindingDir: string): InstallManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(bindingDir, INSTALL_MANIFEST), 'utf8')) as InstallManifest;
  } catch {
    return undefined;
  }
}

/** The provider libraries next to one binding. */
export async function describeProviders(binding: OrtBinding): Promise<InstalledProviders> {
  const present = Object.values(PROVIDER_LIBRARIES).filter((n) => existsSync(join(binding.bindingDir, n)));
  const cuda = join(binding.bindingDir, PROVIDER_LIBRARIES.cuda);
  const manifest = readManifest(binding.bindingDir);
  // The library's own string first; what bench recorded at install time when the file holds none it can read.
  const providerOrtVersion = present.includes(PROVIDER_LIBRARIES.cuda)
    ? ((await readProviderOrtVersion(cuda)) ?? manifest?.providerOrtVersion)
    : undefined;
  return {
    packageDir: binding.packageDir,
    bindingDir: binding.bindingDir,
    coreVersion: binding.version,
    present,
    ...(providerOrtVersion === undefined ? {} : { providerOrtVersion }),
    ...(manifest === undefined ? {} : { manifest }),
    warnings: skewWarnings(providerOrtVersion, [binding]),
  };
}

/** The providers next to the binding bench itself loads (undefined when onnxruntime-node is missing). */
export async function describeBenchProviders(coreVersion: string): Promise<InstalledProviders | undefined> {
  const packageDir = ortPackageDir();
  return packageDir === undefined
    ? undefined
    : describeProviders({ packageDir, bindingDir: bindingDirOf(packageDir), version: coreVersion });
}

/** Every binding under the roots (default: the install bench runs from) with its providers. */
export async function describeInstall(roots?: readonly string[]): Promise<InstalledProviders[]> {
  const all = (roots ?? [defaultInstallRoot() ?? process.cwd()]).flatMap((r) => findOrtBindings(r));
  return Promise.all(all.map((b) => describeProviders(b)));
}

/** Takes the provider libraries (and bench's manifest) out of every binding under the roots, as one change. */
export async function uninstallCudaProvider(roots?: readonly string[]): Promise<Map<string, string[]>> {
  const bindings = (roots ?? [defaultInstallRoot() ?? process.cwd()]).flatMap((r) => findOrtBindings(r));
  return removeFiles(bindings, [...Object.values(PROVIDER_LIBRARIES), INSTALL_MANIFEST]);
}
