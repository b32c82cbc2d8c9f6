-- The dashboard (SPEC §10) reads these columns of every lead created in its
-- range: with them in leads_created_at_idx, a year of leads is an index-only
-- scan of the index instead of a read of half the table (the heap is about
-- eight times wider). The key, the name and the number of indexes stay the
-- same, so storing an inquiry still writes one entry here, a wider one. Every
-- update that writes one of these columns (assignment, first response, status)
-- already wrote an indexed column, so no update that was HOT stops being HOT.
-- schema.prisma cannot describe INCLUDE columns (it keeps @@index([createdAt]));
-- the schema test lists this index's full definition.
DROP INDEX "leads_created_at_idx";
CREATE INDEX "leads_created_at_idx" ON "leads"("created_at") INCLUDE ("status", "assigned_to_id", "program_code", "response_seconds", "first_response_at", "respond_by");
