-- Papers that arXiv withdrew: when, NULL while the paper stands. A
-- withdrawn paper keeps its row and its page; lists leave it out as they
-- leave out hidden papers, reading the column from the row they join
-- anyway, so it needs no index. A column without a default is added
-- without rewriting the table.
ALTER TABLE papers ADD COLUMN withdrawn_at timestamptz;
