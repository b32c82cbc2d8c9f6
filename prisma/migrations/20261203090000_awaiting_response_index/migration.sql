-- Leads waiting for a first response, by respond_by: the metrics gauge
-- `leads_awaiting_response` counts them on every scrape, and the dashboard's
-- "overdue now" reads them. Partial, so it holds only the few leads still
-- waiting (not the whole table) and costs nothing when a lead is stored:
-- a new lead has no respond_by until it is routed.
-- schema.prisma cannot describe a partial index; the schema test lists it.
CREATE INDEX "leads_awaiting_response_idx" ON "leads"("respond_by") WHERE "first_response_at" IS NULL AND "status" = 'new' AND "respond_by" IS NOT NULL;
