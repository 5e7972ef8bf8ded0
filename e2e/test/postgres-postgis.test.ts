import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { PostgresContainer, type StartedPostgresContainer } from '../src/services/postgres.js';

// SQL and PostGIS on the Postgres from POSTGRES_IMAGE, with an init script as the stack's
// migrations will use.
let postgres: StartedPostgresContainer;
let db: pg.Client;

const INIT_SQL = `
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE zones (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  area geography(Polygon, 4326) NOT NULL
);
INSERT INTO zones (name, area) VALUES
  ('field', ST_GeogFromText('POLYGON((10 50, 10.01 50, 10.01 50.01, 10 50.01, 10 50))'));
`;

const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  postgres = await new PostgresContainer().withInitSql('001-zones.sql', INIT_SQL).start();
  cleanup.push(() => postgres.stop());
  db = await postgres.connect();
  cleanup.push(() => db.end());
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

describe('PostgreSQL with PostGIS', () => {
  it('is PostgreSQL 15 with PostGIS 3', async () => {
    const { rows } = await db.query<{ server: string; postgis: string }>(
      "SELECT current_setting('server_version_num') AS server, postgis_lib_version() AS postgis",
    );
    expect(Number(rows[0]?.server)).toBeGreaterThanOrEqual(150000);
    expect(Number(rows[0]?.server)).toBeLessThan(160000);
    expect(rows[0]?.postgis).toMatch(/^3\./);
  });

  it('ran the init script at first start', async () => {
    const { rows } = await db.query<{ name: string }>('SELECT name FROM zones');
    expect(rows).toEqual([{ name: 'field' }]);
  });

  it('runs transactions: a failed one leaves nothing behind', async () => {
    await db.query('BEGIN');
    await db.query(
      "INSERT INTO zones (name, area) VALUES ('temp', ST_GeogFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'))",
    );
    await expect(
      db.query(
        "INSERT INTO zones (name, area) VALUES ('field', ST_GeogFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'))",
      ),
    ).rejects.toThrow(/duplicate key/);
    await db.query('ROLLBACK');
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM zones');
    expect(rows[0]?.n).toBe('1');
  });

  it('measures geodesic areas and buffers', async () => {
    const { rows } = await db.query<{ area: number; buffer: number }>(
      `SELECT ST_Area(area) AS area,
              ST_Area(ST_Buffer(ST_GeogFromText('POINT(25 70)'), 1000)) AS buffer
         FROM zones WHERE name = 'field'`,
    );
    // 0.01 degree squares at 50 N: 1113 m north-south by 716 m east-west.
    expect(rows[0]?.area).toBeGreaterThan(790_000);
    expect(rows[0]?.area).toBeLessThan(800_000);
    // A 1 km geodesic buffer is a circle of pi km^2 whatever the latitude (within its segments).
    expect(rows[0]?.buffer).toBeGreaterThan(Math.PI * 1e6 * 0.98);
    expect(rows[0]?.buffer).toBeLessThan(Math.PI * 1e6 * 1.001);
  });

  it('reprojects between coordinate systems', async () => {
    const { rows } = await db.query<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y
         FROM ST_Transform(ST_SetSRID(ST_MakePoint(13.4050, 52.5200), 4326), 32633) AS p`,
    );
    // Berlin in UTM zone 33N.
    expect(rows[0]?.x).toBeCloseTo(391_776, -1);
    expect(rows[0]?.y).toBeCloseTo(5_820_080, -2);
  });

  it('refuses a wrong password', async () => {
    await expect(postgres.connect({ password: 'wrong' })).rejects.toThrow(
      /password authentication failed/,
    );
  });
});
