-- Change notifications: every statement that writes papers announces it on
-- the channel quire_paper_changes, so that other nodes' search indexes
-- follow at once rather than at their next poll (see notify.go). Every
-- write to the change feed (a new seq) is a write to papers, so nothing
-- escapes this trigger. PostgreSQL delivers a notification only when its
-- transaction commits, once however many statements of that transaction
-- sent it, and only after the transaction's rows are visible to other
-- sessions, so a listener that reads the feed on waking sees the change.
--
-- One notification per statement rather than per row keeps a bulk import
-- of millions of rows from queuing millions of them. Commits that notify
-- take turns on PostgreSQL's notification queue; writers of the feed take
-- turns anyway (lockSeq, seq.go), so that costs them nothing.
CREATE FUNCTION quire_notify_paper_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('quire_paper_changes', '');
	RETURN NULL;
END
$$;

CREATE TRIGGER papers_notify
	AFTER INSERT OR UPDATE OR DELETE ON papers
	FOR EACH STATEMENT EXECUTE FUNCTION quire_notify_paper_changes();
