-- Organizations: daily lists name the Hugging Face organization a paper
-- was submitted for (org_name is its handle, NULL when the list names
-- none), and members follow organizations.
ALTER TABLE daily_entries ADD COLUMN org_name text COLLATE "C";
ALTER TABLE daily_entries ADD COLUMN org_fullname text;
ALTER TABLE daily_entries ADD COLUMN org_avatar text;

-- Handles compare without regard to case (quire.DailyFilter.Organization).
CREATE INDEX daily_entries_org ON daily_entries (lower(org_name), day) WHERE org_name IS NOT NULL;

ALTER TABLE follows DROP CONSTRAINT follows_kind_check;
ALTER TABLE follows ADD CONSTRAINT follows_kind_check CHECK (kind IN ('author', 'category', 'organization'));
