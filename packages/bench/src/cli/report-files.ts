import { checkOutputLocation, writeFileAtomic } from '@tamkit/common';
import type { CommandIo } from '@tamkit/common/cli';
import type { BenchReport } from '../report/schema.js';

/** The files a bench report goes to: `-o/--out` (JSON) and `--csv`. */
export interface ReportFiles {
  out?: string;
  csv?: string;
}

/** Checks, before any measurement, that the report files can be written. */
export async function checkReportFiles(files: ReportFiles): Promise<void> {
  if (files.out !== undefined) await checkOutputLocation(files.out, { flag: '--out' });
  if (files.csv !== undefined) await checkOutputLocation(files.csv, { flag: '--csv' });
}

/** Writes the report's JSON and CSV files and says so. */
export async function writeReportFiles(report: BenchReport, files: ReportFiles, io: CommandIo): Promise<void> {
  if (files.out !== undefined) {
    await writeFileAtomic(files.out, `${JSON.stringify(report, null, 2)}\n`);
    io.wrote(files.out, 'the report');
  }
  if (files.csv !== undefined) {
    const { reportToCsv } = await import('../report/csv.js');
    await writeFileAtomic(files.csv, reportToCsv(report));
    io.wrote(files.csv, 'the CSV');
  }
}
