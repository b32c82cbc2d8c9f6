-- CreateEnum
CREATE TYPE "webhook_delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[] NOT NULL,
    "description" TEXT,
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "event_at" TIMESTAMPTZ(3) NOT NULL,
    "lead_id" UUID NOT NULL,
    "extra" JSONB,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "response_status" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_endpoints_url_key" ON "webhook_endpoints"("url");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_created_at_idx" ON "webhook_deliveries"("endpoint_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "webhook_deliveries_lead_id_idx" ON "webhook_deliveries"("lead_id");

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- frontdesk_store_lead, as in 20261202180000_store_lead, now also queues a
-- `lead.created` webhook delivery per endpoint subscribed to it (SPEC §13)
-- for a lead that is not spam, in the same statement, and wakes the
-- dispatchers' webhook loop on `frontdesk_webhooks`
-- (src/webhooks/webhook-events.ts). With no endpoint that is one look at an
-- empty table.

-- CreateFunction
CREATE OR REPLACE FUNCTION "frontdesk_store_lead"("lead" JSON, "notifications" JSON, "channel" TEXT)
RETURNS UUID
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  r RECORD;
  first_id UUID;
BEGIN
  SELECT * INTO STRICT r FROM json_to_record("lead") AS x(
    "id" UUID, "createdAt" TIMESTAMPTZ, "windowStart" TIMESTAMPTZ, "linkDuplicates" BOOLEAN, "status" "lead_status",
    "firstName" TEXT, "lastName" TEXT, "email" TEXT, "phone" TEXT, "postalCode" TEXT, "program" TEXT,
    "educationLevel" TEXT, "message" TEXT, "articleSlug" TEXT, "utmSource" TEXT, "utmMedium" TEXT,
    "utmCampaign" TEXT, "utmTerm" TEXT, "utmContent" TEXT, "referrer" TEXT, "consentText" TEXT,
    "consentVersion" TEXT, "consentSha256" TEXT, "consentPageUrl" TEXT, "consentIp" TEXT, "consentUserAgent" TEXT);

  IF r."linkDuplicates" THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('lead-email:' || r."email", 0));
    SELECT coalesce(l."duplicate_of_id", l."id") INTO first_id
      FROM "leads" l
     WHERE l."email" = r."email" AND l."status" <> 'spam'
       AND l."created_at" >= r."windowStart" AND l."created_at" <= r."createdAt"
     ORDER BY l."created_at", l."id"
     LIMIT 1;
  END IF;

  INSERT INTO "leads" ("id", "created_at", "first_name", "last_name", "email", "phone", "postal_code", "program_code",
                       "education_level", "message", "status", "duplicate_of_id", "article_slug", "utm_source",
                       "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer")
  VALUES (r."id", r."createdAt", r."firstName", r."lastName", r."email", r."phone", r."postalCode", r."program",
          r."educationLevel", r."message", r."status", first_id, r."articleSlug", r."utmSource",
          r."utmMedium", r."utmCampaign", r."utmTerm", r."utmContent", r."referrer");

  INSERT INTO "consent_records" ("lead_id", "text", "version", "sha256", "page_url", "consented_at", "ip", "user_agent")
  VALUES (r."id", r."consentText", r."consentVersion", r."consentSha256", r."consentPageUrl", r."createdAt",
          r."consentIp", r."consentUserAgent");

  IF json_array_length("notifications") > 0 THEN
    INSERT INTO "notifications" ("id", "lead_id", "kind", "digest", "scheduled_at", "next_attempt_at")
    SELECT n."id", r."id", n."kind", n."digest", n."dueAt", n."dueAt"
      FROM json_to_recordset("notifications") AS n("id" UUID, "kind" "notification_kind", "digest" BOOLEAN, "dueAt" TIMESTAMPTZ);
    -- Delivered when the transaction commits, like the queue's own NOTIFY.
    PERFORM pg_notify("channel", '');
  END IF;

  IF r."status" <> 'spam' THEN
    INSERT INTO "webhook_deliveries" ("id", "endpoint_id", "event_type", "event_at", "lead_id", "next_attempt_at")
    SELECT gen_random_uuid(), e."id", 'lead.created', r."createdAt", r."id", r."createdAt"
      FROM "webhook_endpoints" e
     WHERE 'lead.created' = ANY(e."events");
    IF FOUND THEN
      PERFORM pg_notify('frontdesk_webhooks', '');
    END IF;
  END IF;

  RETURN first_id;
END
$$;
