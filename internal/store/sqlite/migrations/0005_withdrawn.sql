-- Papers that arXiv withdrew: when (Unix seconds), NULL while the paper
-- stands. A withdrawn paper keeps its row and its page; lists leave it out
-- as they leave out hidden papers, reading the column from the row they
-- join anyway, so it needs no index.
ALTER TABLE papers ADD COLUMN withdrawn_at INTEGER;
