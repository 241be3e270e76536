import { Column, getTableName, is, Param, Placeholder, sql, SQL, type SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { DbOrTx } from './client.ts';
import * as schema from './schema.ts';

/**
 * The statements a comparison runs on every run (run creation, a stage's settling, a run's lock,
 * a delivery's reads and writes) built once instead of on every call: drizzle's query builders,
 * `sql` composition and result mapping were about a quarter of what the service allocated per
 * run. A statement is written with drizzle as before, with `value(name)` for what changes from
 * call to call and `slot(name)` where a caller's SQL goes (a delivery job, a cache write); its
 * text, parameter order and result mapping are computed once (at module load; a shape's the
 * first time it runs). A call fills the values, compiles only the slots' fragments (their
 * parameters numbered after the statement's own) and runs the text on the postgres.js client of
 * the database or transaction it is given, as a prepared statement (`unsafe(text, params,
 * { prepare: true })`: parsed and planned once per connection). The text is the one drizzle
 * wrote, so what runs and how often is unchanged. Nothing of a call may be captured when the
 * statement is built: it would be the same for every call.
 */

/** Builds statements only; it has no connection (drizzle.mock). */
const template = drizzle.mock({ schema });
export type TemplateDb = PostgresJsDatabase<typeof schema>;

const dialect = new PgDialect();

/** A value filled in at each call (drizzle's placeholder). */
export const value = (name: string) => sql.placeholder(name);

/** `value` where drizzle's types want a column's value (an insert's or update's): drizzle encodes it as that column's at each call. */
export const columnValue = (name: string): never => sql.placeholder(name) as never;

/** Where a caller's SQL fragment goes (marked by a comment no generated SQL contains); `null` when a call gives none. */
export function slot(name: string): SQL {
  return sql.raw(`/*hot:${name}*/`);
}

type Fragments = Readonly<Record<string, SQLWrapper | undefined>>;
type Values = Readonly<Record<string, unknown>>;

/** A column of the result: where it goes (one key, or a nested object and a key) and how it is read. */
interface OutColumn {
  readonly key: string;
  readonly nested: string | undefined;
  readonly decode: ((raw: unknown) => unknown) | undefined;
  /** The nested object's table: a left join's row that is absent (its first column null) reads as null. */
  readonly table: string | undefined;
}

interface Compiled {
  /** The text around the slots: parts.length = slots.length + 1. */
  readonly parts: readonly string[];
  readonly slots: readonly string[];
  readonly params: readonly Fill[];
  /** Set when the statement's result is mapped (a select, a returning): rows are read as arrays. */
  readonly columns: readonly OutColumn[] | undefined;
  readonly nullable: Readonly<Record<string, boolean>> | undefined;
}

/** The postgres.js client a database or transaction runs its statements on (drizzle's session's). */
export function clientOf(db: DbOrTx): postgres.Sql | postgres.TransactionSql {
  const client = (db._.session as unknown as { client?: postgres.Sql }).client;
  if (typeof client?.unsafe !== 'function') throw new Error('not a postgres.js drizzle database');
  return client;
}

function compile(query: { queryString: string; params: unknown[]; fields?: { path: string[]; field: unknown }[]; joinsNotNullableMap?: Record<string, boolean> }): Compiled {
  const pieces = query.queryString.split(/\/\*hot:([a-z_]+)\*\//i);
  const parts = pieces.filter((_, i) => i % 2 === 0);
  const slots = pieces.filter((_, i) => i % 2 === 1);
  const columns = query.fields?.map(({ path, field }): OutColumn => {
    if (path.length > 2) throw new Error(`hot statement: result path ${path.join('.')} is nested too deep`);
    const decoder = is(field, Column) ? field : decoderOf(is(field, SQL) ? field : (field as SQL.Aliased).sql);
    // drizzle's default decoder returns the value as is: not calling it saves a call per column.
    const decode = is(field, Column) || decoder !== noop ? (raw: unknown) => decoder.mapFromDriverValue(raw) : undefined;
    return { key: path[path.length - 1]!, nested: path.length === 2 ? path[0] : undefined, decode, table: path.length === 2 && is(field, Column) ? getTableName(field.table) : undefined };
  });
  return { parts, slots, params: query.params.map(fillOf), columns, nullable: query.joinsNotNullableMap };
}

/** A parameter: a constant of the statement, a value given as is, or a value encoded as its column's (drizzle's Param). */
type Fill = { readonly constant: unknown } | { readonly name: string; readonly encode: ((v: unknown) => unknown) | undefined };

function fillOf(p: unknown): Fill {
  if (is(p, Placeholder)) return { name: p.name, encode: undefined };
  if (is(p, Param) && is(p.value, Placeholder)) {
    const encoder = p.encoder;
    return { name: p.value.name, encode: encoder ? (v) => encoder.mapToDriverValue(v) : undefined };
  }
  return { constant: p };
}

/** The parameters of a call, as drizzle fills them — but a null stays null, as drizzle writes a null it is given (never `'null'` as JSON). */
function fill(fills: readonly Fill[], values: Values): unknown[] {
  const out = new Array<unknown>(fills.length);
  for (let i = 0; i < fills.length; i++) {
    const f = fills[i]!;
    if ('constant' in f) {
      out[i] = f.constant;
      continue;
    }
    if (!(f.name in values)) throw new Error(`hot statement: no value for ${f.name}`);
    const v = values[f.name];
    out[i] = v === null || f.encode === undefined ? v : f.encode(v);
  }
  return out;
}

/** An `sql` expression's result decoder (drizzle's, internal: `mapWith` sets it). */
const decoderOf = (s: SQL) => (s as unknown as { decoder: { mapFromDriverValue(raw: unknown): unknown } }).decoder;
const noop = decoderOf(sql``);

function mapRow(c: Compiled, columns: readonly OutColumn[], row: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let absent: Set<string> | undefined;
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i]!;
    const raw = row[i];
    const v = raw === null || raw === undefined ? null : col.decode ? col.decode(raw) : raw;
    if (col.nested === undefined) {
      out[col.key] = v;
      continue;
    }
    let obj = out[col.nested] as Record<string, unknown> | undefined;
    if (obj === undefined) {
      obj = out[col.nested] = {};
      // As drizzle: a joined table whose first column is null is no row at all.
      if (v === null && c.nullable && col.table !== undefined && !c.nullable[col.table]) (absent ??= new Set()).add(col.nested);
    }
    obj[col.key] = v;
  }
  if (absent) for (const name of absent) out[name] = null;
  return out;
}

/** How a fragment is written: as drizzle's dialect writes a statement (sqlToQuery), its parameters numbered from where the statement's end. */
const fragmentConfig = {
  casing: (dialect as unknown as { casing: never }).casing,
  escapeName: (name: string) => dialect.escapeName(name),
  escapeParam: (num: number) => dialect.escapeParam(num),
  escapeString: (str: string) => dialect.escapeString(str),
};

async function run(c: Compiled, db: DbOrTx, values: Values, fragments?: Fragments): Promise<unknown[]> {
  const params = fill(c.params, values);
  let text = c.parts[0]!;
  for (let i = 0; i < c.slots.length; i++) {
    const f = fragments?.[c.slots[i]!];
    if (f) {
      const q = f.getSQL().toQuery({ ...fragmentConfig, paramStartIndex: { value: params.length } });
      text += q.sql;
      params.push(...q.params);
    } else text += 'null';
    text += c.parts[i + 1]!;
  }
  const client = clientOf(db);
  const columns = c.columns;
  if (!columns) return client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true });
  const rows = await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }).values();
  return rows.map((r) => mapRow(c, columns, r as unknown[]));
}

/** What a drizzle query builder gives `hot`: its prepared form, whose result type is the statement's. */
interface Preparable<R> {
  prepare(name: string): { execute(values?: Record<string, unknown>): Promise<R> };
}

/**
 * A statement written with drizzle's builders (`build` runs once, on a database without a
 * connection), run with `values` for its placeholders and `fragments` for its slots. Its rows are
 * drizzle's (`R`: what the builder's `execute` returns), mapped the same way.
 */
export function hot<R>(name: string, build: (db: TemplateDb) => Preparable<R>) {
  const c = compile(build(template).prepare(name) as never);
  return (db: DbOrTx, values: Values, fragments?: Fragments): Promise<R> => run(c, db, values, fragments) as Promise<R>;
}

/**
 * A statement written as an `sql` template, run as `db.execute` runs it: rows as postgres.js
 * returns them, by column name (timestamps as text, as drizzle's client is set up).
 */
export function hotSql<Row extends Record<string, unknown>>(statement: SQL) {
  const q = dialect.sqlToQuery(statement);
  const c = compile({ queryString: q.sql, params: q.params });
  return (db: DbOrTx, values: Values, fragments?: Fragments): Promise<Row[]> => run(c, db, values, fragments) as Promise<Row[]>;
}

/**
 * Statements whose text depends on their call's shape (which columns a patch sets, how many rows
 * it writes): one statement per shape, built the first time that shape is run. `key` names the
 * shape; `build` must give the same text for every shape with that key.
 */
export function shapes<S, F>(key: (shape: S) => string, build: (shape: S, key: string) => F): (shape: S) => F {
  const built = new Map<string, F>();
  return (shape) => {
    const k = key(shape);
    let f = built.get(k);
    if (f === undefined) built.set(k, (f = build(shape, k)));
    return f;
  };
}

/** The keys of `o` whose value is defined (what drizzle writes: an undefined value is left out), in order. */
export function definedKeys(o: object): string[] {
  return Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
}

/** `o`'s defined values as placeholders named `prefix` + key, and their values under those names. */
export function asValues(prefix: string, o: object, keys: readonly string[], into: Record<string, unknown> = {}): Record<string, unknown> {
  for (const k of keys) into[prefix + k] = (o as Record<string, unknown>)[k];
  return into;
}

/** Placeholders named `prefix` + key for each key: a patch's or a row's values, filled by `asValues`. */
export function placeholders(prefix: string, keys: readonly string[]): never {
  return Object.fromEntries(keys.map((k) => [k, value(prefix + k)])) as never;
}
