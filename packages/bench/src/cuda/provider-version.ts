/**
 * The ONNX Runtime version a provider library was built from. ORT compiles its version into each provider
 * library as a plain string (`1.29.0`), which the provider uses to check the core it is loaded into; nothing else
 * records it. Reading it from the file tells a 1.29.0 provider next to a 1.30.0 core apart from a matching one.
 */
import { open } from 'node:fs/promises';

/** ORT versions as they appear in provider libraries: 1.MINOR.PATCH with a two- or three-digit minor. */
const ORT_VERSION = /\0(1\.\d{2,3}\.\d{1,3})\0/g;

/** The ORT version strings in a block of bytes (NUL-delimited, as C string literals are stored), distinct, in order. Pure. */
export function findOrtVersionStrings(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const found: string[] = [];
  for (const m of text.matchAll(ORT_VERSION)) if (!found.includes(m[1]!)) found.push(m[1]!);
  return found;
}

interface Section {
  offset: number;
  size: number;
}

/** The file range of an ELF64 little-endian section by name, or undefined when the file is not one. */
async function elfSection(path: string, wanted: string): Promise<Section | undefined> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(64);
    await file.read(header, 0, 64, 0);
    // \x7fELF, class 2 (64-bit), data 1 (little endian)
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const shoff = Number(header.readBigUInt64LE(0x28));
    const shentsize = header.readUInt16LE(0x3a);
    const shnum = header.readUInt16LE(0x3c);
    const shstrndx = header.readUInt16LE(0x3e);
    const table = Buffer.alloc(shentsize * shnum);
    await file.read(table, 0, table.length, shoff);
    const section = (i: number): Section & { name: number } => ({
      name: table.readUInt32LE(i * shentsize),
      offset: Number(table.readBigUInt64LE(i * shentsize + 0x18)),
      size: Number(table.readBigUInt64LE(i * shentsize + 0x20)),
    });
    const names = section(shstrndx);
    const strings = Buffer.alloc(names.size);
    await file.read(strings, 0, names.size, names.offset);
    for (let i = 0; i < shnum; i++) {
      const s = section(i);
      const end = strings.indexOf(0, s.name);
      if (strings.toString('latin1', s.name, end < 0 ? undefined : end) === wanted) return s;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

const cache = new Map<string, Promise<string | undefined>>();

/**
 * The ONNX Runtime version compiled into a provider library (`libonnxruntime_providers_cuda.so` -> `1.29.0`), read
 * from its read-only data section; undefined when the file holds no such string or more than one.
 */
export function readProviderOrtVersion(path: string): Promise<string | undefined> {
  let version = cache.get(path);
  if (version === undefined) {
    version = (async () => {
      const rodata = await elfSection(path, '.rodata');
      if (rodata === undefined) return undefined;
      const bytes = Buffer.alloc(rodata.size);
      const file = await open(path, 'r');
      try {
        await file.read(bytes, 0, rodata.size, rodata.offset);
      } finally {
        await file.close();
      }
      const found = findOrtVersionStrings(bytes);
      return found.length === 1 ? found[0] : undefined;
    })().catch(() => undefined);
    cache.set(path, version);
  }
  return version;
}
