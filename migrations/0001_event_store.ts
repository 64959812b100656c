import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table events (
      position bigint generated always as identity primary key,
      tx_id xid8 not null default pg_current_xact_id(),
      stream_id text not null,
      version integer not null check (version > 0),
      event_id uuid not null,
      type text not null,
      data jsonb not null,
      metadata jsonb not null,
      hash bytea not null,
      constraint events_stream_version_key unique (stream_id, version),
      constraint events_event_id_key unique (event_id)
    )`.execute(db);
  // The global feed is read in (tx_id, position) order below the oldest running transaction.
  await sql`create index events_tx_position_idx on events (tx_id, position)`.execute(db);

  // Each stream's head, rewritten by every append: a second record of the stream's length, so
  // that a removed last event shows as a gap once the stream grows again.
  await sql`
    create table streams (
      stream_id text primary key,
      version integer not null,
      last_hash bytea not null
    )`.execute(db);

  // The legal record is append-only: the application never updates or deletes events.
  await sql`
    create function events_are_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'events are append-only (% refused)', tg_op using errcode = 'P0002';
    end $$`.execute(db);
  await sql`
    create trigger events_append_only before update or delete or truncate on events
    for each statement execute function events_are_append_only()`.execute(db);

  /*
   * Appends in one round trip. p_expected: -1 any, -2 no stream, -3 stream exists, n >= 0 exact.
   * The advisory lock is taken before this transaction gets an xid, so appends to one stream get
   * increasing transaction ids and the global (tx_id, position) order keeps each stream's order.
   * Each element of p_events: { eventId, type, data, metadata, digest } with digest the hex
   * SHA-256 of the event's canonical content, computed by the application.
   */
  await sql`
    create function append_to_stream(p_stream_id text, p_expected bigint, p_events jsonb)
    returns table (outcome text, stream_version integer, tx_id text, last_position bigint)
    language plpgsql as $$
    declare
      v_version integer;
      v_hash bytea;
      v_exists boolean;
      v_ids uuid[];
      v_mine integer;
      v_anywhere integer;
      v_event jsonb;
      v_position bigint;
    begin
      perform pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
      select s.version, s.last_hash into v_version, v_hash from streams s where s.stream_id = p_stream_id;
      v_exists := found;
      if not v_exists then
        v_version := 0;
        v_hash := decode(repeat('00', 32), 'hex');
      end if;

      select array_agg((x ->> 'eventId')::uuid) into v_ids from jsonb_array_elements(p_events) x;
      -- exists() gets a cached index-only plan; the counting query runs only on a retry.
      if exists (select 1 from events e where e.event_id = any (v_ids)) then
        select count(*) filter (where e.stream_id = p_stream_id), count(*)
          into v_mine, v_anywhere
          from events e where e.event_id = any (v_ids);
        if v_mine = cardinality(v_ids) and v_anywhere = v_mine then
          return query
            select 'duplicate', e.version, e.tx_id::text, e.position
              from events e where e.event_id = any (v_ids) order by e.version desc limit 1;
          return;
        end if;
        return query select 'duplicate-elsewhere', v_version, null::text, null::bigint;
        return;
      end if;

      if (p_expected = -2 and v_version <> 0)
        or (p_expected = -3 and v_version = 0)
        or (p_expected >= 0 and v_version <> p_expected) then
        return query select 'conflict', v_version, null::text, null::bigint;
        return;
      end if;

      for v_event in select x from jsonb_array_elements(p_events) x loop
        v_version := v_version + 1;
        v_hash := sha256(v_hash || decode(v_event ->> 'digest', 'hex'));
        insert into events (stream_id, version, event_id, type, data, metadata, hash)
          values (p_stream_id, v_version, (v_event ->> 'eventId')::uuid, v_event ->> 'type',
                  v_event -> 'data', v_event -> 'metadata', v_hash)
          returning events.position into v_position;
      end loop;

      if v_exists then
        update streams set version = v_version, last_hash = v_hash where stream_id = p_stream_id;
      else
        insert into streams (stream_id, version, last_hash) values (p_stream_id, v_version, v_hash);
      end if;
      -- No pg_notify here: NOTIFY holds a server-wide lock through the commit's flush and would
      -- serialise every append; the adapter notifies after the commit instead.
      return query select 'appended', v_version, pg_current_xact_id()::text, v_position;
    end $$`.execute(db);

  await sql`
    create table projection_checkpoints (
      name text primary key,
      commit_position bigint not null,
      prepare_position bigint not null,
      updated_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table projection_checkpoints`.execute(db);
  await sql`drop function append_to_stream(text, bigint, jsonb)`.execute(db);
  await sql`drop table streams`.execute(db);
  await sql`drop trigger events_append_only on events`.execute(db);
  await sql`drop table events`.execute(db);
  await sql`drop function events_are_append_only()`.execute(db);
}
