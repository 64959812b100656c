import type {
  EventStore,
  JsonObject,
  JsonValue,
  NewEvent,
  RecordedEvent,
} from '../eventStore/eventStore.js';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { KeyVault } from './keyVault.js';
import { decrypt, encrypt } from './sealedBox.js';

/** What a page, an export or a copy shows for a field whose subject was erased. */
export const erasedText = '[dato cancellato]';
/** A sealed value that does not open (altered in the database): the chain check names it too. */
export const unreadableText = '[dato illeggibile]';

const sealedPrefix = 'sealed:v1:';

export type FieldPath = readonly (string | number)[];

/** One field of an event that holds a person's data, and whose data it is. */
export interface PersonalField {
  readonly subject: string;
  readonly path: FieldPath;
}

/** An event as stored: enough to say where its personal fields are. */
export interface StoredEventContent {
  readonly streamId: string;
  readonly type: string;
  readonly data: JsonObject;
}

/** The domain's knowledge the sealing needs (src/accounts/personalFields.ts). */
export interface PersonalDataRules {
  /** Where an event holds personal data, and whose; none for most events. */
  fields(event: StoredEventContent): readonly PersonalField[];
  /** The subjects an event erases (their keys are destroyed); none for every other event. */
  erased(event: StoredEventContent): readonly string[];
}

/** One personal field as a reader is shown it. */
export interface OpenedField {
  readonly subject: string;
  readonly path: FieldPath;
  readonly value: string;
  /** False for a value stored in clear before sealing began (hidden once its subject is erased). */
  readonly sealed: boolean;
}

/** What an event opened shows beside its data: the stored data and each field opened. */
export interface Opened {
  readonly stored?: JsonObject;
  readonly opened?: readonly OpenedField[];
}

/** Seals events before they are stored and opens them as they are read. */
export interface Sealing {
  /**
   * The events with each personal field in clear, or «[dato cancellato]» once its subject is
   * erased; an event that changed keeps what is stored in `stored`.
   */
  reveal<Event extends StoredEventContent & { readonly metadata: { readonly eventId: string } }>(
    events: readonly Event[],
    /** The caller's transaction, when it holds the connection (PGlite has one). */
    db?: Kysely<Schema>,
  ): Promise<(Event & Opened)[]>;
  /** Destroys the subjects' keys, in the caller's transaction (keyVault.ts). */
  erase(trx: Kysely<Schema>, subjectIds: readonly string[], at: Date): Promise<void>;
}

const fieldContext = (eventId: string, path: FieldPath) => `${eventId}/${path.join('/')}`;

function valueAt(data: JsonValue, path: FieldPath): JsonValue | undefined {
  let value: JsonValue | undefined = data;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, JsonValue>)[step];
  }
  return value;
}

function setAt(data: JsonObject, path: FieldPath, value: string): void {
  let parent = data as Record<string | number, JsonValue>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, JsonValue>;
  parent[path.at(-1)!] = value;
}

/**
 * The stored data as a reader may see it: sealed fields as stored (the chain covers them so), a
 * field stored in clear before sealing began and since erased as «[dato cancellato]».
 */
export function storedShown(event: { readonly data: JsonObject } & Opened): JsonObject {
  const hidden = event.opened?.filter((field) => !field.sealed) ?? [];
  if (!event.stored || hidden.length === 0) return event.stored ?? event.data;
  const shown = structuredClone(event.stored);
  for (const field of hidden) setAt(shown, field.path, field.value);
  return shown;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A sealed value's key id and box; null for a value stored in clear (before sealing began), and
 * a box that opens with no key for one malformed in the database.
 */
function unseal(value: JsonValue | undefined): { keyId: string; box: Buffer } | null {
  if (typeof value !== 'string' || !value.startsWith(sealedPrefix)) return null;
  const [keyId = '', box = ''] = value.slice(sealedPrefix.length).split(':');
  return { keyId: uuid.test(keyId) ? keyId : '', box: Buffer.from(box, 'base64url') };
}

export function createSealing(vault: KeyVault, rules: PersonalDataRules): Sealing {
  return {
    erase: (trx, subjectIds, at) => vault.erase(trx, subjectIds, at),
    async reveal(events, db) {
      const found = events.map((event) => ({
        event,
        fields: rules.fields(event).flatMap(({ subject, path }) => {
          const value = valueAt(event.data, path);
          return typeof value === 'string' ? [{ subject, path, sealed: unseal(value) }] : [];
        }),
      }));
      const all = found.flatMap(({ fields }) => fields);
      const keyIds = all.flatMap(({ sealed }) => sealed?.keyId || []);
      // Values stored in clear before sealing began are hidden too once their subject is erased.
      const plainSubjects = all.flatMap(({ subject, sealed }) => (sealed ? [] : [subject]));
      const [keys, erased] = await Promise.all([
        keyIds.length > 0 ? vault.keysById(keyIds, db) : new Map<string, Buffer>(),
        plainSubjects.length > 0 ? vault.erasedAmong(plainSubjects, db) : new Set<string>(),
      ]);
      return found.map(({ event, fields }) => {
        let data: JsonObject | null = null;
        const opened: OpenedField[] = [];
        for (const { subject, path, sealed } of fields) {
          if (!sealed && !erased.has(subject)) continue;
          const key = sealed && keys.get(sealed.keyId);
          const plain = key && decrypt(key, sealed.box, fieldContext(event.metadata.eventId, path));
          const value = plain
            ? plain.toString('utf8')
            : !sealed || (sealed.keyId && !key)
              ? erasedText
              : unreadableText;
          data ??= structuredClone(event.data);
          setAt(data, path, value);
          opened.push({ subject, path, value, sealed: sealed !== null });
        }
        return data ? { ...event, data, stored: event.data, opened } : event;
      });
    },
  };
}

/**
 * The event store with personal data sealed per data subject (AES-256-GCM, a key per person in
 * `personal_data_keys`): the chain, the tree and every verification see what is stored, so that
 * destroying a key erases the person and breaks nothing. Reads open the fields again.
 */
export function sealedEventStore(
  inner: EventStore,
  vault: KeyVault,
  rules: PersonalDataRules,
): EventStore & { readonly sealing: Sealing } {
  const sealing = createSealing(vault, rules);
  const seal = async (streamId: string, event: NewEvent): Promise<NewEvent> => {
    const fields = rules.fields({ streamId, type: event.type, data: event.data });
    if (fields.length === 0) return event;
    const data = structuredClone(event.data);
    for (const { subject, path } of fields) {
      const value = valueAt(data, path);
      if (typeof value !== 'string') continue;
      const key = await vault.keyFor(subject);
      if (!key) {
        setAt(data, path, erasedText);
        continue;
      }
      const box = encrypt(key.key, Buffer.from(value), fieldContext(event.metadata.eventId, path));
      setAt(data, path, `${sealedPrefix}${key.keyId}:${box.toString('base64url')}`);
    }
    return { ...event, data };
  };
  const open = async (events: RecordedEvent[]): Promise<RecordedEvent[]> => {
    const opened = await sealing.reveal(events);
    for (const event of opened) vault.forget(rules.erased(event));
    return opened;
  };
  return {
    sealing,
    chain: inner.chain,
    async appendToStream(streamId, events, options) {
      const sealed: NewEvent[] = [];
      for (const event of events) sealed.push(await seal(streamId, event));
      return inner.appendToStream(streamId, sealed, options);
    },
    async readStream(streamId, options) {
      const read = await inner.readStream(streamId, options);
      return { ...read, events: await open(read.events) };
    },
    async readAll(options) {
      return open(await inner.readAll(options));
    },
    headPosition: () => inner.headPosition(),
    onAppended: (listener) => inner.onAppended(listener),
    close: () => inner.close(),
  };
}
