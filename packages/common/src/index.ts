export * from './errors.js';
export * from './log.js';
export * from './units.js';
export * from './properties.js';
export * from './ids.js';
export * from './strict-properties.js';
export * from './trace.js';
