export * from './ids.ts';
export * from './geojson.ts';
export * from './job.ts';
export * from './object-keys.ts';
export * from './metrics.ts';
export * from './job-events.ts';
export * from './reachability.ts';
export * from './expression/index.ts';
