import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { migrate, readMigrations } from '../adapters/postgres/migrate';

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
});
