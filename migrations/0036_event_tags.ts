import { sql, type Kysely } from 'kysely';

/*
 * Each event carries the portal's tag: an HMAC of its stream and digest, with a key derived from
 * the signing key held outside the database (src/platform/eventStore/eventTags.ts). A head is
 * signed only over tagged events, and the integrity check names an event past the latest signed
 * head without a valid tag: so an event someone with the database in hand adds at the end of the
 * log, its chain and the stream's head recomputed, is not signed in by the next head.
 *
 * append_batch is 0010's, storing each event's `tag` (hex, or none). Events already in the log
 * have none: the portal counts them on its first start and keeps the count outside the database,
 * beside the head it keeps there (src/audit/headWitness.ts), not here, where it could be moved.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add column tag bytea`.execute(db);

  await sql`
    create or replace function append_batch(p_appends jsonb)
    returns table (item integer, outcome text, stream_version integer, tx_id text, last_position bigint)
    language plpgsql as $$
    declare
      v_n integer := jsonb_array_length(p_appends);
      v_key bigint;
      v_i integer;
      v_append jsonb;
      v_stream text;
      v_expected bigint;
      v_event jsonb;
      v_known jsonb;
      v_heads jsonb;
      v_head jsonb;
      v_version integer;
      v_hash bytea;
      v_count integer;
      v_mine integer;
      v_anywhere integer;
      v_last jsonb;
      v_stream_ids text[];
      v_event_ids uuid[];
      v_outcomes text[] := array_fill(null::text, array[v_n]);
      v_versions integer[] := array_fill(null::integer, array[v_n]);
      v_streams text[] := array_fill(null::text, array[v_n]);
      v_tx_ids text[] := array_fill(null::text, array[v_n]);
      v_positions bigint[] := array_fill(null::bigint, array[v_n]);
      -- The events to insert, column by column.
      r_stream text[] := '{}';
      r_version integer[] := '{}';
      r_id uuid[] := '{}';
      r_type text[] := '{}';
      r_data json[] := '{}';
      r_meta json[] := '{}';
      r_hash bytea[] := '{}';
      r_tag bytea[] := '{}';
    begin
      for v_key in
        select distinct hashtextextended(a ->> 'streamId', 0) from jsonb_array_elements(p_appends) a
        order by 1
      loop
        perform pg_advisory_xact_lock(v_key);
      end loop;

      -- As arrays, so both lookups below are index scans whatever the tables' sizes.
      v_stream_ids := array(select a ->> 'streamId' from jsonb_array_elements(p_appends) a);
      v_event_ids := array(select (x ->> 'eventId')::uuid
                           from jsonb_array_elements(p_appends) a,
                                jsonb_array_elements(a -> 'events') x);
      -- Event ids already in the log (retries): { id: [stream, version, tx_id, position] }.
      select coalesce(jsonb_object_agg(e.event_id::text,
               jsonb_build_array(e.stream_id, e.version, e.tx_id::text, e.position)), '{}')
        into v_known from events e
        where e.event_id = any (v_event_ids);
      -- Each stream's head as [version, hash], moved on by every append of this batch.
      select coalesce(jsonb_object_agg(s.stream_id,
               jsonb_build_array(s.version, encode(s.last_hash, 'hex'))), '{}')
        into v_heads from streams s
        where s.stream_id = any (v_stream_ids);

      for v_i in 1 .. v_n loop
        v_append := p_appends -> (v_i - 1);
        v_stream := v_append ->> 'streamId';
        v_expected := (v_append ->> 'expected')::bigint;
        v_streams[v_i] := v_stream;
        v_head := v_heads -> v_stream;
        if v_head is null then
          v_version := 0;
          v_hash := decode(repeat('00', 32), 'hex');
        else
          v_version := (v_head ->> 0)::integer;
          v_hash := decode(v_head ->> 1, 'hex');
        end if;
        v_versions[v_i] := v_version;

        if v_known <> '{}' then
          select count(*), count(*) filter (where v_known -> (x ->> 'eventId') ->> 0 = v_stream),
                 count(*) filter (where v_known ? (x ->> 'eventId'))
            into v_count, v_mine, v_anywhere
            from jsonb_array_elements(v_append -> 'events') x;
          if v_anywhere > 0 then
            if v_mine = v_count then
              select v_known -> (x ->> 'eventId') into v_last
                from jsonb_array_elements(v_append -> 'events') x
                order by (v_known -> (x ->> 'eventId') ->> 1)::integer desc limit 1;
              v_outcomes[v_i] := 'duplicate';
              v_versions[v_i] := (v_last ->> 1)::integer;
              v_tx_ids[v_i] := v_last ->> 2;
              v_positions[v_i] := (v_last ->> 3)::bigint;
            else
              v_outcomes[v_i] := 'duplicate-elsewhere';
            end if;
            continue;
          end if;
        end if;

        if (v_expected = -2 and v_version <> 0) or (v_expected = -3 and v_version = 0)
           or (v_expected >= 0 and v_version <> v_expected) then
          v_outcomes[v_i] := 'conflict';
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
          r_tag := r_tag || decode(v_event ->> 'tag', 'hex');
        end loop;
        v_heads := jsonb_set(v_heads, array[v_stream], jsonb_build_array(v_version, encode(v_hash, 'hex')));
        v_outcomes[v_i] := 'appended';
        v_versions[v_i] := v_version;
      end loop;

      insert into streams (stream_id, version, last_hash)
        select key, (value ->> 0)::integer, decode(value ->> 1, 'hex') from jsonb_each(v_heads)
        where key = any (r_stream)
        on conflict (stream_id) do update set version = excluded.version, last_hash = excluded.last_hash;
      return query
        with inserted as (
          insert into events (stream_id, version, event_id, type, data, metadata, hash, tag)
          select * from unnest(r_stream, r_version, r_id, r_type, r_data, r_meta, r_hash, r_tag)
          returning events.stream_id, events.version, events.position
        )
        select (o.i - 1)::integer, o.outcome, v_versions[o.i],
               case when o.outcome = 'appended' then pg_current_xact_id()::text else v_tx_ids[o.i] end,
               coalesce(ins.position, v_positions[o.i])
        from unnest(v_outcomes) with ordinality o(outcome, i)
        left join inserted ins
          on o.outcome = 'appended' and ins.stream_id = v_streams[o.i] and ins.version = v_versions[o.i];
    end $$`.execute(db);
}

// No down: tags once written are part of the record.
