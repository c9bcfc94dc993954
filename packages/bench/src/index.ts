export * from './preprocess/index.js';
export * from './report/index.js';
