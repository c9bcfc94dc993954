/**
 * `bench cuda install`: ONNX Runtime's CUDA provider libraries next to every onnxruntime-node binding of an
 * install, from the official CUDA 12 route or the pinned CUDA 13 npm package (or a local copy of either), checked,
 * staged and committed as one change, then self-tested. Refuses on a machine without an NVIDIA driver.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, ToolkitError, UsageError } from '@tamkit/common';
import {
  CudaInstallErrorCode,
  extractLibraries,
  findFilesByName,
  packNpmPackage,
  runOrtInstaller,
  sha256OfFile,
} from './acquire.js';
import { defaultInstallRoot, findOrtBindings, type OrtBinding } from './bindings.js';
import { installedCudaRuntime } from './cuda-libraries.js';
import { cudaMajorForDriver, type NvidiaDriver, probeNvidiaDriver } from './driver.js';
import {
  INSTALL_MANIFEST,
  INSTALL_ORDER,
  npmSpec,
  PROVIDER_LIBRARIES,
  PROVIDER_SOURCES,
  type ProviderSource,
} from './provider-sources.js';
import { readProviderOrtVersion } from './provider-version.js';
import { type SelfTestResult, selfTestBinding } from './self-test.js';
import { type FileToInstall, installFiles, type StepHook } from './transaction.js';

/** The process and network boundaries of the installer; tests replace them with named doubles. */
export interface InstallBoundaries {
  /** The NVIDIA driver of this machine (default: `/proc/driver/nvidia/version`, then nvidia-smi). */
  probeDriver: () => NvidiaDriver;
  /** `npm pack SPEC` into a folder, resolving to the tarball (default: runs npm). */
  packNpmPackage: (spec: string, dir: string) => Promise<string>;
  /** onnxruntime-node's installer on a copy of the package in `work`; resolves to the folder of its libraries. */
  runOrtInstaller: (ortPackageDir: string, value: string, work: string) => Promise<string>;
  /** The self-test of one binding once installed (default: a child process runs a model on CUDA and CPU). */
  selfTest: (binding: OrtBinding) => Promise<SelfTestResult>;
}

export const REAL_INSTALL_BOUNDARIES: InstallBoundaries = {
  probeDriver: probeNvidiaDriver,
  packNpmPackage,
  runOrtInstaller: (ortPackageDir, value, work) => runOrtInstaller(ortPackageDir, value, work),
  selfTest: (binding) => selfTestBinding(binding),
};

/** Options of `installCudaProvider`. */
export interface InstallCudaOptions {
  /**
   * CUDA major version of the providers. Default `auto`: the CUDA runtime the loader finds (13 before 12), else the
   * newest the driver runs; with `from`, what the files are (by their pinned SHA-256).
   */
  cuda?: 12 | 13 | 'auto';
  /** Install from a local folder holding the libraries, or the CUDA 13 npm tarball, instead of downloading. */
  from?: string;
  /** Folders whose onnxruntime-node packages get the provider (default: the install bench runs from). */
  roots?: readonly string[];
  /** Run the self-test afterwards (default true). */
  selfTest?: boolean;
  /** Progress lines for the CLI. */
  onProgress?: (message: string) => void;
  /** Called before each step (tests inject failures here). */
  beforeStep?: StepHook;
  /** Replacements for the process and network boundaries (tests only). */
  boundaries?: Partial<InstallBoundaries>;
  /** The pinned sources by CUDA version (default `PROVIDER_SOURCES`; tests pin stand-in packages). */
  sources?: Record<12 | 13, ProviderSource>;
}

/** What was installed where, and what the self-test found. */
export interface InstallReport {
  cuda: 12 | 13;
  source: { id: string; description: string; from?: string };
  driver: string;
  /** ONNX Runtime version compiled into the CUDA provider library. */
  providerOrtVersion?: string;
  files: { name: string; sha256: string; bytes: number; pinned: boolean }[];
  bindings: { packageDir: string; bindingDir: string; version: string; replaced: string[] }[];
  selfTests: SelfTestResult[];
  warnings: string[];
}

/** What bench writes next to the libraries (`INSTALL_MANIFEST`). */
export interface InstallManifest {
  source: string;
  description: string;
  cuda: 12 | 13;
  providerOrtVersion?: string;
  files: { name: string; sha256: string }[];
  installedAt: string;
}

const LIBRARY_NAMES = [...INSTALL_ORDER];

function chooseCuda(requested: 12 | 13 | 'auto', driver: NvidiaDriver & { present: true }): 12 | 13 {
  if (requested !== 'auto') return requested;
  return installedCudaRuntime() ?? cudaMajorForDriver(driver.version) ?? 12;
}

interface Acquired {
  source: ProviderSource;
  files: Map<string, string>;
  from?: string;
}

async function checkTarball(path: string, source: ProviderSource): Promise<void> {
  const got = await sha256OfFile(path);
  if (got !== source.npm!.tarballSha256) {
    throw new ToolkitError(
      CudaInstallErrorCode.Checksum,
      `${path} is not the pinned ${npmSpec(source)} tarball: sha256 ${got}, expected ${source.npm!.tarballSha256}`,
      { remedy: `Use \`npm pack ${npmSpec(source)}\` (unmodified) or let the installer download it.` },
    );
  }
}

async function acquire(
  cuda: 12 | 13 | 'auto',
  options: InstallCudaOptions,
  bindings: readonly OrtBinding[],
  work: string,
  boundaries: InstallBoundaries,
  sources: Record<12 | 13, ProviderSource>,
): Promise<Acquired> {
  const from = options.from;
  if (from !== undefined) {
    const info = await stat(from).catch(() => undefined);
    if (info === undefined) throw new UsageError(`--from ${from}: no such file or folder`);
    if (info.isFile() && /\.(tgz|tar\.gz)$/.test(from)) {
      const source = sources[13];
      if (cuda === 12 || source.npm === undefined) {
        throw new UsageError(`--from ${from}: a tarball is the CUDA 13 npm package; CUDA 12 comes as a folder`);
      }
      await checkTarball(from, source);
      await extractLibraries(from, source.npm.libraryDir, LIBRARY_NAMES, join(work, 'lib'));
      return { source, files: await findFilesByName(join(work, 'lib'), LIBRARY_NAMES), from };
    }
    const files = await findFilesByName(from, LIBRARY_NAMES);
    // A folder is the CUDA 13 build when its bytes are the pinned ones; CUDA 12 files are not pinned.
    if (cuda === 'auto') cuda = (await matchesPins(files, sources[13])) ? 13 : 12;
    return { source: sources[cuda], files, from };
  }
  const source = sources[cuda === 'auto' ? 13 : cuda];
  if (source.npm !== undefined) {
    options.onProgress?.(`downloading ${npmSpec(source)} (about 180 MB)...`);
    const tarball = await boundaries.packNpmPackage(npmSpec(source), work);
    await checkTarball(tarball, source);
    await extractLibraries(tarball, source.npm.libraryDir, LIBRARY_NAMES, join(work, 'lib'));
    return { source, files: await findFilesByName(join(work, 'lib'), LIBRARY_NAMES) };
  }
  options.onProgress?.(`running onnxruntime-node's installer (ONNXRUNTIME_NODE_INSTALL=${source.ortInstaller})...`);
  const dir = await boundaries.runOrtInstaller(bindings[0]!.packageDir, source.ortInstaller ?? 'cuda12', work);
  return { source, files: await findFilesByName(dir, LIBRARY_NAMES) };
}

async function matchesPins(files: Map<string, string>, source: ProviderSource): Promise<boolean> {
  for (const f of source.files) {
    const path = files.get(f.name);
    if (path === undefined || f.sha256 === undefined || (await sha256OfFile(path)) !== f.sha256) return false;
  }
  return true;
}

async function verify(acquired: Acquired): Promise<InstallReport['files']> {
  const missing = acquired.source.files.filter((f) => !acquired.files.has(f.name)).map((f) => f.name);
  if (missing.length > 0) {
    throw new ToolkitError(
      CudaInstallErrorCode.Missing,
      `${acquired.from ?? acquired.source.id} lacks ${missing.join(', ')}`,
      { remedy: `Point --from at the folder holding ${LIBRARY_NAMES.join(', ')} (or the CUDA 13 npm tarball).` },
    );
  }
  const verified: InstallReport['files'] = [];
  for (const f of acquired.source.files) {
    const path = acquired.files.get(f.name)!;
    const sha256 = await sha256OfFile(path);
    if (f.sha256 !== undefined && sha256 !== f.sha256) {
      throw new ToolkitError(
        CudaInstallErrorCode.Checksum,
        `${path} does not match the pinned ${acquired.source.id} build: sha256 ${sha256}, expected ${f.sha256}`,
        {
          remedy:
            acquired.source.cuda === 13
              ? `Use the unmodified files of ${npmSpec(acquired.source)}; for ONNX Runtime's official CUDA 12 providers pass --cuda 12.`
              : 'Reinstall from the source.',
        },
      );
    }
    verified.push({ name: f.name, sha256, bytes: (await stat(path)).size, pinned: f.sha256 !== undefined });
  }
  return verified;
}

function findBindings(roots: readonly string[]): OrtBinding[] {
  const bindings = new Map<string, OrtBinding>();
  for (const root of roots) for (const b of findOrtBindings(root)) bindings.set(b.bindingDir, b);
  if (bindings.size === 0) {
    throw new ToolkitError(
      CudaInstallErrorCode.NoBinding,
      `No onnxruntime-node package with a ${process.platform}-${process.arch} binding under ${roots.join(', ')}`,
      { remedy: 'Install dependencies first (`node scripts/pnpm.mjs install`), or name the install with --root.' },
    );
  }
  return [...bindings.values()];
}

/** Version skew between each binding's core and the provider library, as warnings. */
export function skewWarnings(
  providerOrtVersion: string | undefined,
  bindings: readonly { version: string }[],
): string[] {
  if (providerOrtVersion === undefined) return [];
  const cores = [...new Set(bindings.map((b) => b.version))].filter((v) => v !== providerOrtVersion);
  return cores.map(
    (core) =>
      `the CUDA provider library is ONNX Runtime ${providerOrtVersion} but onnxruntime-node is ${core}: ORT does not ` +
      'promise that providers of another version load or compute correctly; the self-test and `track-eval fidelity` ' +
      'against ort-cpu are the check (a provider of the same version needs CUDA 12: `bench cuda install --cuda 12`).',
  );
}

/** Installs the CUDA provider libraries (see the module comment). Throws typed errors; never half-installs. */
export async function installCudaProvider(options: InstallCudaOptions = {}): Promise<InstallReport> {
  const boundaries = { ...REAL_INSTALL_BOUNDARIES, ...options.boundaries };
  const hook: StepHook = options.beforeStep ?? (() => undefined);
  const sources = options.sources ?? PROVIDER_SOURCES;
  hook('driver', '');
  const driver = boundaries.probeDriver();
  if (!driver.present) {
    throw new ToolkitError(CudaInstallErrorCode.NoDriver, `Cannot install the CUDA provider: ${driver.reason}`, {
      remedy:
        'Install on a machine with an NVIDIA GPU and its driver (R525 or newer for CUDA 12, R580 for CUDA 13); ' +
        'the CPU and WebGPU stacks need no provider install.',
      exitCode: ExitCode.Unavailable,
    });
  }
  const roots = options.roots ?? [defaultInstallRoot() ?? process.cwd()];
  const bindings = findBindings(roots);
  const requested = options.cuda ?? 'auto';
  // From a local copy, `auto` means what the files are (by their pins), not what this machine has.
  const cuda = options.from !== undefined && requested === 'auto' ? 'auto' : chooseCuda(requested, driver);
  const work = await mkdtemp(join(tmpdir(), 'tamkit-cuda-provider-'));
  let report: Omit<InstallReport, 'selfTests' | 'warnings'>;
  try {
    hook('acquire', options.from ?? String(cuda));
    const acquired = await acquire(cuda, options, bindings, work, boundaries, sources);
    hook('verify', acquired.from ?? acquired.source.id);
    const files = await verify(acquired);
    const providerOrtVersion =
      (await readProviderOrtVersion(acquired.files.get(PROVIDER_LIBRARIES.cuda)!)) ?? acquired.source.ortVersion;
    const manifest: InstallManifest = {
      source: acquired.source.id,
      description: acquired.source.description,
      cuda: acquired.source.cuda,
      ...(providerOrtVersion === undefined ? {} : { providerOrtVersion }),
      files: files.map(({ name, sha256 }) => ({ name, sha256 })),
      installedAt: new Date().toISOString(),
    };
    const manifestPath = join(work, INSTALL_MANIFEST);
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const toInstall: FileToInstall[] = [
      ...INSTALL_ORDER.map((name) => ({ name, source: acquired.files.get(name)! })),
      { name: INSTALL_MANIFEST, source: manifestPath },
    ];
    options.onProgress?.(`installing into ${bindings.length} onnxruntime-node binding(s)...`);
    const replaced = await installFiles(bindings, toInstall, hook);
    report = {
      cuda: acquired.source.cuda,
      source: {
        id: acquired.source.id,
        description: acquired.source.description,
        ...(acquired.from === undefined ? {} : { from: acquired.from }),
      },
      driver: `${driver.version} (${driver.source})`,
      ...(providerOrtVersion === undefined ? {} : { providerOrtVersion }),
      files,
      bindings: bindings.map((b) => ({ ...b, replaced: replaced.get(b.bindingDir) ?? [] })),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const selfTests: SelfTestResult[] = [];
  if (options.selfTest !== false) {
    for (const binding of bindings) {
      hook('self-test', binding.bindingDir);
      options.onProgress?.(`self-test in ${binding.bindingDir}...`);
      selfTests.push(await boundaries.selfTest(binding));
    }
  }
  const warnings = skewWarnings(report.providerOrtVersion, bindings);
  if (report.files.some((f) => !f.pinned)) {
    warnings.push(
      `the ${report.source.id} files are not pinned by SHA-256 in bench: the self-test is their only check`,
    );
  }
  return { ...report, selfTests, warnings };
}
