import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forEachBackend } from './support/db';
import { migrate, migrationsDir, readMigrations } from '../adapters/postgres/migrate';
import { createStore } from '../adapters/postgres/store';

forEachBackend('migrations', (backend) => {
  it('applies every numbered migration once, and a second run applies nothing', async () => {
    const db = await backend.open();
    try {
      const rows = (await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows;
      assert.deepEqual(rows.map((r) => r.version), readMigrations().map((m) => m.version));
      assert.deepEqual(await migrate(db), []);
    } finally {
      await db.close();
    }
  });

  it('410 gives the airline PNRs stored before it their last travel date', async () => {
    const db = await backend.openEmpty();
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-mig-'));
    try {
      for (const m of readMigrations().filter((x) => x.version < 410)) fs.copyFileSync(path.join(migrationsDir(), m.name), path.join(before, m.name));
      await migrate(db, before);
      await db.query(`INSERT INTO partners (id, name, kind) VALUES ('AL-NAJM', 'Najm Air', 'airline')`);
      const pnr = (locator: string, segments: unknown) => db.query(
        `INSERT INTO air_bookings (carrier, record_locator, data, reported_by, updated_at) VALUES ('SV', $1, $2, 'AL-NAJM', '2025-03-04T10:00:00Z')`,
        [locator, JSON.stringify({ carrier: 'SV', recordLocator: locator, travellers: [], segments })]);
      await pnr('ROUND', [{ departureDate: '2025-05-10', arrivalDate: '2025-05-11' }, { departureDate: '2025-06-20' }]);
      await pnr('NOSEGS', []);
      await pnr('BADDATES', [{ departureDate: '20 May' }]);
      await pnr('NOTALIST', { departureDate: '2025-05-10' });
      assert.deepEqual(await migrate(db), readMigrations().filter((x) => x.version >= 410).map((x) => x.name));
      const rows = (await db.query<{ record_locator: string; d: string }>(
        `SELECT record_locator, to_char(last_travel_date, 'YYYY-MM-DD') AS d FROM air_bookings ORDER BY record_locator`)).rows;
      assert.deepEqual(rows.map((r) => [r.record_locator, r.d]), [
        ['BADDATES', '2025-03-04'], ['NOSEGS', '2025-03-04'], ['NOTALIST', '2025-03-04'], ['ROUND', '2025-06-20'],
      ]);
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
      await db.close();
    }
  });

  it('430 keeps the PNRs stored before it under their reporter, and another reporter\'s report of one goes beside it', async () => {
    const db = await backend.openEmpty();
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-mig-'));
    try {
      for (const m of readMigrations().filter((x) => x.version < 430)) fs.copyFileSync(path.join(migrationsDir(), m.name), path.join(before, m.name));
      await migrate(db, before);
      await db.query(`INSERT INTO partners (id, name, kind) VALUES ('AL-NAJM', 'Najm Air', 'airline'), ('GDS-SIRAJ', 'Siraj', 'gds')`);
      const pnr = JSON.stringify({ carrier: 'SV', recordLocator: 'ABC7XZ', travellers: [{ surname: 'SANTOSO' }], segments: [{ departureDate: '2025-05-10' }] });
      await db.query(`INSERT INTO air_bookings (carrier, record_locator, data, reported_by, last_travel_date) VALUES ('SV', 'ABC7XZ', $1, 'AL-NAJM', '2025-05-10')`, [pnr]);
      assert.deepEqual(await migrate(db), readMigrations().filter((x) => x.version >= 430).map((x) => x.name));
      const store = createStore(db);
      await store.tx((t) => t.upsertAirBooking({ carrier: 'SV', recordLocator: 'ABC7XZ', travellers: [], segments: [] }, 'GDS-SIRAJ'));
      await store.tx((t) => t.upsertAirBooking({ carrier: 'SV', recordLocator: 'ABC7XZ', travellers: [{ surname: 'SANTOSO', givenName: 'BUDI' }], segments: [] }, 'AL-NAJM'));
      const rows = (await db.query<{ reported_by: string; data: { travellers: unknown[] } }>(
        `SELECT reported_by, data FROM air_bookings WHERE carrier = 'SV' AND record_locator = 'ABC7XZ' ORDER BY reported_by`)).rows;
      assert.deepEqual(rows.map((r) => [r.reported_by, r.data.travellers]), [
        ['AL-NAJM', [{ surname: 'SANTOSO', givenName: 'BUDI' }]], // its own newer report replaced its row from before 430
        ['GDS-SIRAJ', []],
      ]);
      assert.deepEqual((await store.getAirBooking('SV', 'ABC7XZ', 'AL-NAJM'))?.travellers, [{ surname: 'SANTOSO', givenName: 'BUDI' }]);
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
      await db.close();
    }
  });
});
