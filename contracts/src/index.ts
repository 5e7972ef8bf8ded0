export * from './ids.js';
export * from './geojson.js';
export * from './job.js';
export * from './queue.js';
export * from './object-keys.js';
export * from './metrics.js';
export * from './job-events.js';
