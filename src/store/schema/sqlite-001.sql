-- jikenbo casebook, SQLite, schema version 1.
-- Applied in one transaction by src/store/sqlite.c, which then sets
-- meta.schema_version. Small columns come before text and record_json so
-- that reading them never walks a row's overflow pages.

CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One incident: a first notice and its follow-ups (第2報, 続報, 調査結果).
-- org_key is the organization without spaces; has_first is 1 once a notice
-- that is not a follow-up belongs to it.
CREATE TABLE incidents(
  id              INTEGER PRIMARY KEY,
  org             TEXT,
  org_key         TEXT,
  first_published TEXT,
  has_first       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX incidents_org ON incidents(org_key, first_published);

CREATE TABLE notices(
  id             INTEGER PRIMARY KEY,
  -- The order of the casebook, newest first by descending sortkey:
  -- (days from 0000-03-01 to published + 1, 0 when undated) << 20 | the
  -- notice's number within that day (in order of storing). It is also the
  -- notice's rowid in notices_fts, so that full-text matches come newest
  -- first straight from the index (ORDER BY rowid DESC LIMIT n) and a date
  -- range is a rowid range. Small keys keep FTS5's rowid deltas short.
  sortkey        INTEGER NOT NULL,
  content_hash   TEXT UNIQUE NOT NULL,      -- SHA-256 of text, hex
  published      TEXT,                      -- YYYY-MM-DD or NULL
  year           INTEGER,
  org_kind       INTEGER,                   -- jkb_org_kind or NULL
  categories     INTEGER NOT NULL DEFAULT 0, -- bitmasks, bit (1 << enum value)
  data_classes   INTEGER NOT NULL DEFAULT 0,
  authorities    INTEGER NOT NULL DEFAULT 0,
  vectors        INTEGER NOT NULL DEFAULT 0,
  measures       INTEGER NOT NULL DEFAULT 0,
  affected       INTEGER,
  report_no      INTEGER,
  followup       INTEGER NOT NULL DEFAULT 0, -- 第N報 (N >= 2), 続報, 調査結果, 最終報
  incident_id    INTEGER REFERENCES incidents(id),
  case_id        TEXT,
  case_auto      INTEGER NOT NULL DEFAULT 0, -- 1: case_id assigned by the casebook
  leak_status    TEXT,
  org            TEXT,
  org_key        TEXT,
  title          TEXT,
  source         TEXT,
  idx            INTEGER,
  engine_version TEXT,
  ingested_at    TEXT NOT NULL,
  record_json    TEXT NOT NULL,
  text           TEXT NOT NULL
);
-- Newest first, and the filters checked from the index alone (covering):
-- a filter that matches few notices never reads the 5 KB rows.
CREATE UNIQUE INDEX notices_order ON notices(sortkey, org_kind, categories, data_classes, authorities, vectors,
                                             incident_id);
CREATE INDEX notices_incident ON notices(incident_id, published);
CREATE INDEX notices_org ON notices(org_key, published);
-- Notices still waiting for a case number (assigned at commit).
CREATE INDEX notices_case_pending ON notices(published, id) WHERE case_id IS NULL AND year IS NOT NULL;
CREATE INDEX notices_case ON notices(case_id);

CREATE TABLE actors(
  notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
  name      TEXT NOT NULL
);
CREATE INDEX actors_name ON actors(lower(name), notice_id);
CREATE INDEX actors_notice ON actors(notice_id);

-- Full text: trigram FTS5 over title and text, stored once (external
-- content). Every indexed value ends with two U+FFFF (a noncharacter that
-- no query may contain): so each occurrence of a one- or two-character
-- query begins a trigram, found through notices_vocab. The view supplies
-- the same values to 'rebuild' and 'integrity-check'.
CREATE VIEW notices_fts_src AS
  SELECT sortkey AS id, title || char(65535, 65535) AS title, text || char(65535, 65535) AS text FROM notices;
CREATE VIRTUAL TABLE notices_fts USING fts5(title, text, content='notices_fts_src', content_rowid='id',
                                            tokenize='trigram');
-- Ingest speed (measured on 100,000 notices of 5 KB, bench/store.sh): a
-- batch's terms are held in memory up to 32 MB before they are written as a
-- segment (the default, 1 MB, writes a segment every few dozen notices),
-- and segments are merged sixteen at a time (the default is four): a third
-- less time per notice, for a few more segments to read per query.
INSERT INTO notices_fts(notices_fts, rank) VALUES('hashsize', 33554432);
INSERT INTO notices_fts(notices_fts, rank) VALUES('automerge', 16);
CREATE VIRTUAL TABLE notices_vocab USING fts5vocab(notices_fts, 'row');
