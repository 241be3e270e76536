import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates SQL from the schema; migrations are applied by service/db/migrate.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './service/db/schema.ts',
  out: './migrations',
});
