export * from './schema.js';
export * from './subjects.js';
export * from './values.js';
export * from './requests.js';
export * from './events.js';
export * from './views.js';
export * from './columnar.js';
export * from './external-text.js';
