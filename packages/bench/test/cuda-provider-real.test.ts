import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractLibraries } from '../src/cuda/acquire.js';
import {
  CUDA13_NPM_SOURCE,
  describeInstall,
  findOrtVersionStrings,
  installCudaProvider,
  missingLibraries,
  ortPackageDir,
  PROVIDER_LIBRARIES,
  parseOrtLog,
  probeNvidiaDriver,
  probeProviderInChild,
  readProviderOrtVersion,
  remedyForMissingLibraries,
} from '../src/index.js';
import { bindingDirOf } from '../src/stacks/ort/ort-package.js';
import { cachedCudaPackage, copyRealOrt, driverDouble, snapshotBinding } from './helpers/ort-install.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('ONNX Runtime versions inside provider libraries', () => {
  it('finds NUL-delimited ORT version strings only (not other dotted numbers)', () => {
    const bytes = Buffer.from(
      '\u0000cuDNN 9.1.0\u00001.3.9\u00001.29.0\u0000v1.30.0\u00001.29.0\u000011.2.33\u0000',
      'latin1',
    );
    expect(findOrtVersionStrings(bytes)).toEqual(['1.29.0']);
  });

  it("reads onnxruntime-node's own core library as the version it is (1.30.0)", async () => {
    const core = join(bindingDirOf(ortPackageDir()!), 'libonnxruntime.so.1');
    const pkg = JSON.parse(readFileSync(join(ortPackageDir()!, 'package.json'), 'utf8')) as { version: string };
    expect(await readProviderOrtVersion(core)).toBe(pkg.version);
  });

  it('BAD CALL - a file that is not an ELF library has no version (undefined, no throw)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-not-elf-'));
    await writeFile(join(dir, 'x.so'), 'not a library 1.29.0');
    expect(await readProviderOrtVersion(join(dir, 'x.so'))).toBeUndefined();
    await rm(dir, { recursive: true });
  });
});

describe("ORT's log lines", () => {
  it('are parsed out of what onnxruntime-node 1.30 printed when the CUDA provider could not load here', () => {
    // Captured from onnxruntime-node 1.30.0 with the CUDA 13 provider present and no cuBLAS (this dev VM).
    const lines = parseOrtLog(fixture('ort-stderr-cuda-provider-missing-cublas.txt'));
    expect(lines).toEqual([
      {
        severity: 'E',
        text: expect.stringMatching(
          /^Failed to load library \/\S+\/libonnxruntime_providers_cuda\.so with error: libcublasLt\.so\.13: cannot open shared object file/,
        ),
      },
    ]);
    expect(missingLibraries(lines.map((l) => l.text))).toEqual(['libcublasLt.so.13']);
    expect(parseOrtLog('terminate called after throwing an instance of char const*\n')).toEqual([
      { severity: 'F', text: 'terminate called after throwing an instance of char const*' },
    ]);
    expect(remedyForMissingLibraries(['libcublasLt.so.13'])).toMatch(/LD_LIBRARY_PATH/);
    expect(remedyForMissingLibraries(['libnvinfer.so.10'])).toMatch(/TensorRT is not installed/);
    expect(remedyForMissingLibraries(['libvulkan.so.1'])).toBeUndefined();
  });

  it('stay off stderr at the default level and show with verbose logging (env and session levels both set)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tamkit-ort-log-'));
    const script = join(dir, 'warn.mts');
    const src = new URL('../src/index.ts', import.meta.url).href;
    const gs = new URL('../../graph-surgery/src/index.ts', import.meta.url).href;
    // An unused initializer makes ORT log a warning while it optimises the graph.
    await writeFile(
      script,
      `import { DataType, emptyGraph, encodeModel, makeModel, makeNode, makeValueInfo } from '${gs}';
import { loadOrt, ortSessionSeverity, setOrtLogLevel } from '${src}';
if (process.argv[2]) setOrtLogLevel(process.argv[2]);
const g = emptyGraph('w');
g.input.push(makeValueInfo('x', DataType.FLOAT, [1, 4]));
g.output.push(makeValueInfo('y', DataType.FLOAT, [1, 4]));
g.node.push(makeNode({ opType: 'Relu', inputs: ['x'], outputs: ['y'], name: 'r' }));
g.initializer.push({ name: 'unused', dataType: DataType.FLOAT, dims: [1], floatData: [1] });
const ort = await loadOrt();
await ort.InferenceSession.create(encodeModel(makeModel({ graph: g })), { logSeverityLevel: ortSessionSeverity() });
`,
    );
    const run = (level?: string) =>
      spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script, ...(level ? [level] : [])], {
        encoding: 'utf8',
      });
    try {
      const quiet = run();
      expect(quiet.status).toBe(0);
      expect(quiet.stderr).not.toMatch(/Removing initializer/);
      const verbose = run('verbose');
      expect(verbose.stderr).toMatch(/Removing initializer 'unused'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const cached = cachedCudaPackage();
const driver = probeNvidiaDriver();

describe('the real CUDA 13 provider package (when cached)', () => {
  let root: string;
  let libs: string;
  beforeAll(async () => {
    if (!('tarball' in cached)) return;
    root = await mkdtemp(join(tmpdir(), 'tamkit-cuda-real-'));
    libs = join(root, 'libs');
    await extractLibraries(cached.tarball, CUDA13_NPM_SOURCE.npm!.libraryDir, Object.values(PROVIDER_LIBRARIES), libs);
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });
  const skipWithoutPackage = (ctx: { skip: () => void }) => {
    if (!('tarball' in cached)) {
      console.warn(`skipped: ${cached.reason}`);
      ctx.skip();
    }
  };

  it('holds ONNX Runtime 1.29.0 in its CUDA and TensorRT provider libraries', async (ctx) => {
    skipWithoutPackage(ctx);
    expect(await readProviderOrtVersion(join(libs, PROVIDER_LIBRARIES.cuda))).toBe('1.29.0');
    expect(await readProviderOrtVersion(join(libs, PROVIDER_LIBRARIES.tensorrt))).toBe('1.29.0');
  });

  it('installs from the tarball into a copy of onnxruntime-node; the self-test then says what it found', async (ctx) => {
    skipWithoutPackage(ctx);
    const install = join(root, 'install');
    await mkdir(install);
    const ort = await copyRealOrt(install);
    const report = await installCudaProvider({
      from: 'tarball' in cached ? cached.tarball : '',
      roots: [install],
      // Driver double where there is none: the point is the real files and the real self-test process.
      boundaries: driver.present ? {} : { probeDriver: driverDouble },
    });
    expect(report.providerOrtVersion).toBe('1.29.0');
    expect(report.files.every((f) => f.pinned)).toBe(true);
    const files = snapshotBinding(bindingDirOf(ort));
    for (const f of CUDA13_NPM_SOURCE.files) expect(files[f.name]).toBe(f.sha256);
    expect(report.warnings.join('\n')).toMatch(/ONNX Runtime 1\.29\.0 but onnxruntime-node is 1\.30\.0/);
    const [test] = report.selfTests;
    if (test!.passed) {
      // A machine with a GPU and the CUDA 13 libraries on its path: CUDA agrees with CPU and cuDNN loaded.
      expect(test!.libraries.map((l) => l.name)).toEqual(expect.arrayContaining(['libcudart', 'libcudnn']));
    } else {
      // No GPU libraries here: the failure carries ORT's own loader message and how to fix it.
      expect(test!.error).toMatch(
        /Failed to load library .*libonnxruntime_providers_cuda\.so with error: lib\S+: cannot open/,
      );
      expect(test!.remedy).toMatch(/LD_LIBRARY_PATH|driver/);
    }
    const [described] = await describeInstall([install]);
    expect(described).toMatchObject({ providerOrtVersion: '1.29.0', manifest: { source: 'cuda13-npm' } });
  });

  it('TensorRT provider present and libnvinfer missing: the probe fails clearly, naming it and TensorRT', async (ctx) => {
    skipWithoutPackage(ctx);
    const cc = spawnSync('cc', ['--version']);
    if (cc.status !== 0) {
      console.warn('skipped: no C compiler to build the CUDA library stand-ins');
      ctx.skip();
    }
    const install = join(root, 'trt');
    await mkdir(install);
    const ort = await copyRealOrt(install);
    for (const name of [PROVIDER_LIBRARIES.shared, PROVIDER_LIBRARIES.tensorrt]) {
      await writeFile(join(bindingDirOf(ort), name), readFileSync(join(libs, name)));
    }
    // Stand-ins for the CUDA libraries the TensorRT provider links before libnvinfer (empty shared objects with
    // the right sonames), so the loader gets as far as TensorRT itself, as on the GPU machine.
    const stubs = join(root, 'cuda-stand-ins');
    await mkdir(stubs);
    await writeFile(join(stubs, 'stand-in.c'), 'void tamkit_stand_in(void) {}\n');
    for (const soname of ['libcublas.so.13', 'libcudart.so.13', 'libcudnn.so.9']) {
      const built = spawnSync('cc', [
        '-shared',
        '-fPIC',
        '-o',
        join(stubs, soname),
        `-Wl,-soname,${soname}`,
        join(stubs, 'stand-in.c'),
      ]);
      expect(built.status).toBe(0);
    }
    const result = await probeProviderInChild({
      ortPackage: ort,
      backend: 'tensorrt',
      env: { ...process.env, LD_LIBRARY_PATH: stubs },
    });
    expect(result.started).toBe(false);
    expect(result.ortLog.join('\n')).toMatch(
      /libonnxruntime_providers_tensorrt\.so with error: libnvinfer\.so\.10: cannot open/,
    );
    expect(remedyForMissingLibraries(missingLibraries(result.ortLog))).toMatch(
      /TensorRT is not installed here \(libnvinfer\.so\.10/,
    );
  });
});
