import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '@tamkit/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CUDA12_OFFICIAL_SOURCE,
  CUDA13_NPM_SOURCE,
  CudaInstallErrorCode,
  describeInstall,
  findOrtBindings,
  INSTALL_MANIFEST,
  type InstallBoundaries,
  type InstallCudaOptions,
  type InstallStep,
  installCudaProvider,
  PROVIDER_LIBRARIES,
  type ProviderSource,
  probeNvidiaDriver,
  type SelfTestResult,
  uninstallCudaProvider,
} from '../src/index.js';
import {
  driverDouble,
  hasStagingFolder,
  snapshotBinding,
  standInInstall,
  standInProviderPackage,
} from './helpers/ort-install.js';

let root: string;
let work: string;
let bindings: string[];
let standIn: Awaited<ReturnType<typeof standInProviderPackage>>;
let selfTested: string[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tamkit-cuda-install-'));
  work = await mkdtemp(join(tmpdir(), 'tamkit-cuda-package-'));
  bindings = await standInInstall(root);
  standIn = await standInProviderPackage(work);
  selfTested = [];
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** Doubles at the driver, network and GPU boundaries; the file work in between is real. */
function doubles(): Partial<InstallBoundaries> {
  return {
    probeDriver: driverDouble,
    // Network double: `npm pack` of the stand-in package is a copy of its tarball.
    packNpmPackage: async (_spec, dir) => {
      const target = join(dir, 'packed.tgz');
      await writeFile(target, await import('node:fs/promises').then((fs) => fs.readFile(standIn.tarball)));
      return target;
    },
    // GPU double: the self-test reports a pass without running anything.
    selfTest: async (binding): Promise<SelfTestResult> => {
      selfTested.push(binding.bindingDir);
      return { bindingDir: binding.bindingDir, passed: true, maxAbsDifference: 0, maxAbsReference: 1, libraries: [] };
    },
  };
}

function options(extra: Partial<InstallCudaOptions> = {}): InstallCudaOptions {
  const sources: Record<12 | 13, ProviderSource> = { 12: CUDA12_OFFICIAL_SOURCE, 13: standIn.source };
  return { cuda: 13, roots: [root], boundaries: doubles(), sources, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<{ code?: string; exitCode?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; exitCode?: number; message: string };
  }
  throw new Error('expected a failure');
}

describe('bench cuda install', () => {
  it('finds every onnxruntime-node package of an install once, pnpm store and nested npm copies alike', () => {
    expect(findOrtBindings(root).map((b) => [b.bindingDir, b.version])).toEqual([
      [expect.stringContaining('/app/node_modules/some-tool/node_modules/onnxruntime-node/'), '1.29.0'],
      [expect.stringContaining('/node_modules/.pnpm/onnxruntime-node@1.30.0/'), '1.30.0'],
    ]);
    expect(findOrtBindings(root).map((b) => b.bindingDir)).toEqual(bindings);
  });

  it('BAD CALL - refuses on a machine without an NVIDIA driver, before downloading or touching anything', async (ctx) => {
    const driver = probeNvidiaDriver();
    if (driver.present) {
      console.warn(`skipped: this machine has an NVIDIA driver (${driver.version}); the refusal needs one without`);
      ctx.skip();
    }
    const before = bindings.map(snapshotBinding);
    const error = await failure(
      installCudaProvider({
        ...options(),
        boundaries: {
          ...doubles(),
          probeDriver: probeNvidiaDriver,
          packNpmPackage: () => Promise.reject(new Error('the installer must not download without a driver')),
        },
      }),
    );
    expect(error).toMatchObject({ code: CudaInstallErrorCode.NoDriver, exitCode: ExitCode.Unavailable });
    expect(error.message).toMatch(/no NVIDIA driver/);
    expect(bindings.map(snapshotBinding)).toEqual(before);
  });

  it('puts the libraries and a manifest next to every binding, checked against the pins, then self-tests each', async () => {
    const report = await installCudaProvider(options());
    for (const dir of bindings) {
      const files = snapshotBinding(dir);
      for (const pinned of standIn.source.files) expect(files[pinned.name]).toBe(pinned.sha256);
      expect(files[INSTALL_MANIFEST]).toBeDefined();
      expect(await hasStagingFolder(dir)).toBe(false);
    }
    expect(report.files.map((f) => [f.name, f.pinned])).toEqual(standIn.source.files.map((f) => [f.name, true]));
    expect(report.bindings.map((b) => b.bindingDir)).toEqual(bindings);
    expect(selfTested).toEqual(bindings);
    // The nested copy is onnxruntime-node 1.29.0 like the providers; the pnpm one is 1.30.0: one skew warning.
    expect(report.warnings).toEqual([
      expect.stringMatching(/provider library is ONNX Runtime 1\.29\.0 but onnxruntime-node is 1\.30\.0/),
    ]);
    const installed = await describeInstall([root]);
    expect(installed.map((i) => [i.present.length, i.manifest?.source])).toEqual([
      [3, 'stand-in-cuda13'],
      [3, 'stand-in-cuda13'],
    ]);
  });

  it('replaces a previous install and reports what it replaced', async () => {
    await writeFile(join(bindings[0]!, PROVIDER_LIBRARIES.cuda), 'an older provider');
    const report = await installCudaProvider(options());
    expect(report.bindings[0]!.replaced).toEqual([PROVIDER_LIBRARIES.cuda]);
    expect(snapshotBinding(bindings[0]!)[PROVIDER_LIBRARIES.cuda]).toBe(
      standIn.source.files.find((f) => f.name === PROVIDER_LIBRARIES.cuda)!.sha256,
    );
  });

  // Failures injected before every step and every file: the bindings end exactly as they were.
  const injections: { step: InstallStep; nth: number }[] = [
    { step: 'driver', nth: 1 },
    { step: 'acquire', nth: 1 },
    { step: 'verify', nth: 1 },
    { step: 'stage', nth: 1 },
    { step: 'stage', nth: 4 },
    { step: 'stage', nth: 8 },
    { step: 'commit', nth: 1 },
    { step: 'commit', nth: 3 },
    { step: 'commit', nth: 5 },
    { step: 'commit', nth: 8 },
  ];
  it.each(injections)('a failure before $step #$nth leaves every binding as it was, old provider included', async ({
    step,
    nth,
  }) => {
    await writeFile(join(bindings[1]!, PROVIDER_LIBRARIES.cuda), 'an older provider');
    const before = bindings.map(snapshotBinding);
    let seen = 0;
    const error = await failure(
      installCudaProvider(
        options({
          beforeStep: (s) => {
            if (s === step && ++seen === nth) throw new Error(`injected failure before ${step} #${nth}`);
          },
        }),
      ),
    );
    expect(error.message).toContain(`injected failure before ${step} #${nth}`);
    expect(bindings.map(snapshotBinding)).toEqual(before);
    for (const dir of bindings) expect(await hasStagingFolder(dir)).toBe(false);
    expect(selfTested).toEqual([]);
  });

  it('a failure once every binding is committed leaves the complete new set (the self-test is after)', async () => {
    const error = await failure(
      installCudaProvider(
        options({
          beforeStep: (s) => {
            if (s === 'self-test') throw new Error('injected failure before the self-test');
          },
        }),
      ),
    );
    expect(error.message).toMatch(/self-test/);
    for (const dir of bindings) {
      for (const pinned of standIn.source.files) expect(snapshotBinding(dir)[pinned.name]).toBe(pinned.sha256);
    }
  });

  it('BAD CALL - a downloaded package whose tarball is not the pinned one is refused, nothing installed', async () => {
    const before = bindings.map(snapshotBinding);
    const error = await failure(
      installCudaProvider({ ...options(), sources: { 12: CUDA12_OFFICIAL_SOURCE, 13: CUDA13_NPM_SOURCE } }),
    );
    expect(error).toMatchObject({ code: CudaInstallErrorCode.Checksum });
    expect(error.message).toContain(CUDA13_NPM_SOURCE.npm!.tarballSha256);
    expect(bindings.map(snapshotBinding)).toEqual(before);
  });

  it('BAD CALL - a local folder with one altered library is refused by its sha256, naming the file', async () => {
    const folder = join(work, 'package', 'Plugins', 'Linux', 'x64');
    await writeFile(join(folder, PROVIDER_LIBRARIES.cuda), 'tampered');
    const before = bindings.map(snapshotBinding);
    const error = await failure(installCudaProvider(options({ from: folder })));
    expect(error).toMatchObject({ code: CudaInstallErrorCode.Checksum });
    expect(error.message).toContain(PROVIDER_LIBRARIES.cuda);
    expect(bindings.map(snapshotBinding)).toEqual(before);
  });

  it('installs from a local folder or tarball; `auto` tells pinned CUDA 13 files from unpinned CUDA 12 ones', async () => {
    const folder = join(work, 'package', 'Plugins', 'Linux', 'x64');
    const fromFolder = await installCudaProvider(options({ from: folder, cuda: 'auto' }));
    expect([fromFolder.cuda, fromFolder.source.id]).toEqual([13, 'stand-in-cuda13']);
    const fromTarball = await installCudaProvider(options({ from: standIn.tarball, cuda: 'auto' }));
    expect(fromTarball.source.from).toBe(standIn.tarball);
    await writeFile(join(folder, PROVIDER_LIBRARIES.cuda), 'some CUDA 12 build');
    const unpinned = await installCudaProvider(options({ from: folder, cuda: 'auto' }));
    expect(unpinned.cuda).toBe(12);
    expect(unpinned.warnings.join('\n')).toMatch(/not pinned by SHA-256/);
  });

  it('BAD CALL - a folder without the libraries names what is missing', async () => {
    const error = await failure(installCudaProvider(options({ from: root })));
    expect(error).toMatchObject({ code: CudaInstallErrorCode.Missing });
    expect(error.message).toContain(PROVIDER_LIBRARIES.cuda);
  });

  it('CUDA 12 goes through onnxruntime-node installer (double at its network boundary) and is marked unpinned', async () => {
    const report = await installCudaProvider(
      options({
        cuda: 12,
        boundaries: {
          ...doubles(),
          runOrtInstaller: async (_pkg, value, dir) => {
            expect(value).toBe('cuda12');
            for (const name of Object.values(PROVIDER_LIBRARIES)) await writeFile(join(dir, name), `CUDA 12 ${name}`);
            return dir;
          },
        },
      }),
    );
    expect([report.cuda, report.source.id]).toEqual([12, 'cuda12-official']);
    expect(report.files.every((f) => !f.pinned)).toBe(true);
  });

  it('uninstall takes every provider file out of every binding and leaves the bindings themselves', async () => {
    await installCudaProvider(options());
    const removed = await uninstallCudaProvider([root]);
    expect([...removed.values()].map((names) => names.length)).toEqual([4, 4]);
    for (const dir of bindings) expect(Object.keys(snapshotBinding(dir))).toEqual(['onnxruntime_binding.node']);
  });
});

describe('onnxruntime-node installer route (CUDA 12) and the CLI', () => {
  it('BAD CALL - without network the official installer fails with a typed error; the real package is untouched', async () => {
    const { runOrtInstaller } = await import('../src/cuda/acquire.js');
    const real = (await import('../src/index.js')).ortPackageDir()!;
    const binding = join(real, 'bin', 'napi-v6', process.platform, process.arch);
    const before = snapshotBinding(binding);
    const work = await mkdtemp(join(tmpdir(), 'tamkit-cuda12-'));
    // global-agent sends onnxruntime-node's NuGet requests through this proxy: a closed local port, so no request
    // leaves the machine whatever its network.
    const env = { ...process.env, GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9' };
    try {
      const error = await failure(runOrtInstaller(real, 'cuda12', work, env));
      expect(error).toMatchObject({ code: CudaInstallErrorCode.Download });
      expect(error.message).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12.*ECONNREFUSED/s);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    expect(snapshotBinding(binding)).toEqual(before);
  });

  it('`bench cuda install` without a driver exits 4 naming the driver; `bench cuda check --json` says what is here', async (ctx) => {
    if (probeNvidiaDriver().present) {
      console.warn('skipped: this machine has an NVIDIA driver');
      ctx.skip();
    }
    const { main } = await import('../src/cli/index.js');
    const text = { out: '', err: '' };
    const io = {
      out: (t: string) => {
        text.out += t;
      },
      err: (t: string) => {
        text.err += t;
      },
    };
    expect(await main(['cuda', 'install', '--root', root], io)).toBe(ExitCode.Unavailable);
    expect(text.err).toMatch(/CUDA_NO_DRIVER.*no NVIDIA driver/);
    text.out = '';
    expect(await main(['cuda', 'check', '--root', root, '--json', '--no-self-test'], io)).toBe(ExitCode.Unavailable);
    const check = JSON.parse(text.out) as { driver: { present: boolean }; installs: { bindingDir: string }[] };
    expect(check.driver.present).toBe(false);
    expect(check.installs.map((i) => i.bindingDir)).toEqual(bindings);
  });

  it('`bench list` shows the provider library version next to the core and warns about the skew', async () => {
    const { formatStackList } = await import('../src/cli/stack-list-table.js');
    await installCudaProvider(options({ selfTest: false }));
    const [providers] = await describeInstall([root]);
    const text = formatStackList([
      {
        name: 'ort-cuda',
        family: 'onnxruntime',
        description: 'ONNX Runtime CUDA execution provider',
        availability: { available: false, reason: 'no GPU here', remedy: 'use the GPU machine' },
        providers: { ...providers!, coreVersion: '1.30.0', warnings: ['skew between 1.29.0 and 1.30.0'] },
      },
    ]);
    expect(text).toMatch(
      /ort-cuda: provider libraries .*CUDA provider ONNX Runtime 1\.29\.0, from stand-in-cuda13\) next to onnxruntime-node 1\.30\.0/,
    );
    expect(text).toMatch(/warning: skew between/);
  });
});
