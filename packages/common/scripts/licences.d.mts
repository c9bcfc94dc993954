/** Licence notices for an esbuild metafile's inputs (see licences.mjs). */
export function licenceNotices(inputs: readonly string[], workingDir: string): { text: string; packages: string[] };
