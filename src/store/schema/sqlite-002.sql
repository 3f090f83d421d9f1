-- jikenbo casebook, SQLite, schema version 2: leak-site claims and their
-- links to the casebook's notices (docs/claims.md). Applied in one
-- transaction by src/store/sqlite.c on a casebook of version 1.

-- A gang's post that it breached someone, as imported (`claims import`).
-- seq is the order of import; id is stable (FNV-1a of group letters,
-- victim, domain and date), so importing a file again adds nothing.
CREATE TABLE claims(
  seq         INTEGER PRIMARY KEY,
  id          TEXT UNIQUE NOT NULL,       -- 16 hex digits
  claimed     TEXT,                       -- YYYY, YYYY-MM or YYYY-MM-DD; NULL unknown
  victim      TEXT,
  victim_alt  TEXT,                       -- another form of the name (an English name)
  domain      TEXT,                       -- a host, lower case
  grp         TEXT,                       -- the group as written
  source      TEXT,
  description TEXT,
  country     TEXT,
  imported_at TEXT NOT NULL,
  CHECK (victim IS NOT NULL OR domain IS NOT NULL)
);
CREATE INDEX claims_claimed ON claims(claimed);

-- A claim matched to a notice by `claims link` (and `claims import`): the
-- pairs of the claims report, kept so that a notice's view can show them
-- without matching the whole casebook again. The claim may be one of the
-- table above or one read from a leak_claim record of the casebook
-- ("casebook:ID"), so claim_json holds it whole rather than a reference.
-- Every link is replaced at each linking.
CREATE TABLE claim_links(
  claim_id     TEXT NOT NULL,
  notice_id    INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
  score        REAL NOT NULL,
  reason       TEXT,
  delay_days   INTEGER,                   -- disclosed − claimed; NULL when unknown
  delay_approx INTEGER NOT NULL DEFAULT 0,
  claim_json   TEXT NOT NULL,
  linked_at    TEXT NOT NULL,
  PRIMARY KEY (notice_id, claim_id)
);
