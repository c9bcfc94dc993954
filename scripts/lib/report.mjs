// Shared by benchmark scripts: write a JSON report under reports/ atomically and print a table.
import { cpus, hostname, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../packages/common/dist/index.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The machine a figure came from: every report carries it. */
export function machine() {
  const cpu = cpus();
  return {
    hostname: hostname(),
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Writes reports/<name>.json atomically (the JSON carries the machine); resolves to its path. */
export async function writeReport(name, data) {
  const path = join(repoRoot, 'reports', `${name}.json`);
  const body = JSON.stringify(
    { benchmark: name, createdAt: new Date().toISOString(), machine: machine(), ...data },
    null,
    2,
  );
  await writeFileAtomic(path, `${body}\n`);
  return path;
}

/** Prints rows (objects with the same keys) as an aligned table. */
export function printTable(rows) {
  if (!rows.length) return;
  const keys = Object.keys(rows[0]);
  const cells = [keys, ...rows.map((r) => keys.map((k) => String(r[k])))];
  const widths = keys.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  for (const [n, row] of cells.entries()) {
    console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
