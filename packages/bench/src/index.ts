export * from './report/index.js';
export * from './preprocess/index.js';
