import { config, type Config } from './config.ts';
import { database, type Sql } from './db.ts';
import { Storage } from './storage.ts';

/** The clients a function needs, made once per isolate from its configuration. */
export interface Services {
  config: Config;
  sql: Sql;
  storage: Storage;
}

let services: Services | undefined;

export function getServices(): Services {
  if (!services) {
    const cfg = config();
    services = { config: cfg, sql: database(cfg), storage: new Storage(cfg) };
  }
  return services;
}
