import { customType, timestamp } from 'drizzle-orm/pg-core';

/** Column types shared by the schema files. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
export const tsz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
