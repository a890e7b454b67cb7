export * from './block.js';
export * from './serde.js';
