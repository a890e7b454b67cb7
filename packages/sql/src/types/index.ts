export * from './types.js';
export * from './values.js';
export * from './coercion.js';
export * from './composite.js';
