import { sql, type Kysely } from 'kysely';

/*
 * Stored JSON is the hashed JSON: data and metadata become `json` columns holding, byte for byte,
 * the canonical text the event's digest was computed from (jsonb kept only its own re-encoding).
 * The integrity check then hashes what it reads, with no parsing; events stored before this
 * migration keep jsonb's text and are checked by re-encoding it canonically (verifyLog).
 *
 * Appends of several streams in one transaction, so that concurrent writers of one process share
 * a round trip and a commit (group commit in the store, as a database does for its own log).
 *
 * append_to_stream (0001) is split in two: append_locked does the checks and the inserts for a
 * stream whose advisory lock the caller holds; append_to_stream takes the lock and calls it, and
 * append_batch takes the locks of all its streams first, in key order (two batches never wait for
 * each other in a cycle), before the transaction gets an xid, then calls it once per append.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A rewrite of the table, not an UPDATE: the append-only trigger does not fire, and each row
  // keeps its content (jsonb's text of it); the search indexes on metadata are rebuilt.
  await sql`
    alter table events
      alter column data type json using data::json,
      alter column metadata type json using metadata::json`.execute(db);

  // Each element of p_events: { eventId, type, data, metadata, digest }, data and metadata being
  // the canonical JSON texts (as strings) that the digest covers.
  await sql`
    create function append_locked(p_stream_id text, p_expected bigint, p_events jsonb)
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
                  (v_event ->> 'data')::json, (v_event ->> 'metadata')::json, v_hash)
          returning events.position into v_position;
      end loop;

      if v_exists then
        update streams set version = v_version, last_hash = v_hash where stream_id = p_stream_id;
      else
        insert into streams (stream_id, version, last_hash) values (p_stream_id, v_version, v_hash);
      end if;
      return query select 'appended', v_version, pg_current_xact_id()::text, v_position;
    end $$`.execute(db);

  await sql`
    create or replace function append_to_stream(p_stream_id text, p_expected bigint, p_events jsonb)
    returns table (outcome text, stream_version integer, tx_id text, last_position bigint)
    language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
      return query select * from append_locked(p_stream_id, p_expected, p_events);
    end $$`.execute(db);

  /*
   * p_appends: [{ streamId, expected, events }] in the order they were asked for; a stream may
   * come more than once (each append sees the ones before it). One row per append, by index.
   * Set-based: one read of the heads, one insert of every event, one upsert of the heads. When
   * an event id is already in the log (a retry), each append takes append_locked's careful path.
   */
  await sql`
    create function append_batch(p_appends jsonb)
    returns table (item integer, outcome text, stream_version integer, tx_id text, last_position bigint)
    language plpgsql as $$
    declare
      v_key bigint;
      v_n integer := jsonb_array_length(p_appends);
      v_i integer;
      v_append jsonb;
      v_stream text;
      v_expected bigint;
      v_event jsonb;
      v_heads jsonb := '{}';
      v_head jsonb;
      v_version integer;
      v_hash bytea;
      v_outcomes text[] := array_fill(null::text, array[v_n]);
      v_versions integer[] := array_fill(null::integer, array[v_n]);
      v_streams text[] := array_fill(null::text, array[v_n]);
      -- The events to insert, column by column.
      r_stream text[] := '{}';
      r_version integer[] := '{}';
      r_id uuid[] := '{}';
      r_type text[] := '{}';
      r_data json[] := '{}';
      r_meta json[] := '{}';
      r_hash bytea[] := '{}';
      v_dupes boolean;
    begin
      for v_key in
        select distinct hashtextextended(a ->> 'streamId', 0) from jsonb_array_elements(p_appends) a order by 1
      loop
        perform pg_advisory_xact_lock(v_key);
      end loop;
      select exists (select 1 from events e where e.event_id in (
        select (x ->> 'eventId')::uuid from jsonb_array_elements(p_appends) a, jsonb_array_elements(a -> 'events') x))
        into v_dupes;
      if v_dupes then
        for v_i in 0 .. v_n - 1 loop
          return query select v_i, r.* from append_locked(p_appends -> v_i ->> 'streamId',
            (p_appends -> v_i ->> 'expected')::bigint, p_appends -> v_i -> 'events') r;
        end loop;
        return;
      end if;
      -- Each stream's head as [version, hash], moved on by every append of this batch.
      select coalesce(jsonb_object_agg(s.stream_id, jsonb_build_array(s.version, encode(s.last_hash, 'hex'))), '{}')
        into v_heads from streams s
        where s.stream_id in (select a ->> 'streamId' from jsonb_array_elements(p_appends) a);
      for v_i in 0 .. v_n - 1 loop
        v_append := p_appends -> v_i;
        v_stream := v_append ->> 'streamId';
        v_expected := (v_append ->> 'expected')::bigint;
        v_streams[v_i + 1] := v_stream;
        v_head := v_heads -> v_stream;
        if v_head is null then
          v_version := 0;
          v_hash := decode(repeat('00', 32), 'hex');
        else
          v_version := (v_head ->> 0)::integer;
          v_hash := decode(v_head ->> 1, 'hex');
        end if;
        v_versions[v_i + 1] := v_version;
        if (v_expected = -2 and v_version <> 0) or (v_expected = -3 and v_version = 0)
           or (v_expected >= 0 and v_version <> v_expected) then
          v_outcomes[v_i + 1] := 'conflict';
          continue;
        end if;
        for v_event in select x from jsonb_array_elements(v_append -> 'events') x loop
          v_version := v_version + 1;
          v_hash := sha256(v_hash || decode(v_event ->> 'digest', 'hex'));
          r_stream := r_stream || v_stream;
          r_version := r_version || v_version;
          r_id := r_id || (v_event ->> 'eventId')::uuid;
          r_type := r_type || (v_event ->> 'type');
          r_data := r_data || (v_event ->> 'data')::json;
          r_meta := r_meta || (v_event ->> 'metadata')::json;
          r_hash := r_hash || v_hash;
        end loop;
        v_heads := jsonb_set(v_heads, array[v_stream], jsonb_build_array(v_version, encode(v_hash, 'hex')));
        v_outcomes[v_i + 1] := 'appended';
        v_versions[v_i + 1] := v_version;
      end loop;
      insert into streams (stream_id, version, last_hash)
        select key, (value ->> 0)::integer, decode(value ->> 1, 'hex') from jsonb_each(v_heads)
        where key in (select unnest(r_stream))
        on conflict (stream_id) do update set version = excluded.version, last_hash = excluded.last_hash;
      return query
        with inserted as (
          insert into events (stream_id, version, event_id, type, data, metadata, hash)
          select * from unnest(r_stream, r_version, r_id, r_type, r_data, r_meta, r_hash)
          returning events.stream_id, events.version, events.position
        )
        select (o.i - 1)::integer, o.outcome, v_versions[o.i],
               case when o.outcome = 'appended' then pg_current_xact_id()::text end, ins.position
        from unnest(v_outcomes) with ordinality o(outcome, i)
        left join inserted ins on o.outcome = 'appended' and ins.stream_id = v_streams[o.i] and ins.version = v_versions[o.i];
    end $$`.execute(db);
}

// No down: events stored as their canonical text cannot go back to jsonb unchanged.
