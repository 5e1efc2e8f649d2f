-- Retention (`maqam prune`): what its deletes need. Tables with a bigserial id are pruned oldest id first
-- through their primary key and need nothing here; the ones below were measured on PostgreSQL 15.

-- Tables without an id are pruned by their timestamp. Measured on 1M idempotency keys: a 5,000-row batch took
-- 18 ms by sequential scan and the last, empty batch 72 ms (a full scan, growing with the table); with the
-- index 3 ms and 0.02 ms. The interchange memory has the same shape.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX edifact_interchanges_received ON edifact_interchanges (received_at);

-- Deleting an archived interchange looks up what points at it: a reply's in_reply_to and a duplicate-memory
-- row's archive_id. Without these indexes 500 rows of a 300,000-row archive took 22 s (two sequential
-- scans per row); with them 5,000 rows took 64 ms.
CREATE INDEX edifact_archive_reply ON edifact_archive (in_reply_to) WHERE in_reply_to IS NOT NULL;
CREATE INDEX edifact_interchanges_archive ON edifact_interchanges (archive_id) WHERE archive_id IS NOT NULL;

-- The archive and the duplicate memory keep their own ages: a pruned archive row leaves what pointed at it
-- (the reply, the memory of the interchange) in place, without the link.
ALTER TABLE edifact_archive DROP CONSTRAINT edifact_archive_in_reply_to_fkey,
  ADD CONSTRAINT edifact_archive_in_reply_to_fkey FOREIGN KEY (in_reply_to) REFERENCES edifact_archive(id) ON DELETE SET NULL;
ALTER TABLE edifact_interchanges DROP CONSTRAINT edifact_interchanges_archive_id_fkey,
  ADD CONSTRAINT edifact_interchanges_archive_id_fkey FOREIGN KEY (archive_id) REFERENCES edifact_archive(id) ON DELETE SET NULL;
