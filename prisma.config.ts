import { defineConfig } from 'prisma/config';

// Prisma 7 keeps the connection string out of schema.prisma. `env()` would
// throw when DATABASE_URL is unset and break `prisma generate`, hence `??`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
