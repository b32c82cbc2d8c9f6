-- Storing an inquiry in one statement, so one round trip to the database.
-- Not part of schema.prisma (Prisma has no functions); its own test is
-- tests/integration/leads/store-lead-function.test.ts.
--
-- frontdesk_store_lead(lead, notifications, channel) stores a lead, its consent
-- record and its notifications, and wakes the dispatchers on `channel`.
-- Returns the id of the first lead from the same address in the last 30
-- days (`duplicate_of_id`), or NULL.
--   lead: one JSON object, the keys below (src/leads/lead-repository.ts).
--   notifications: a JSON array of { id, kind, digest, dueAt } for this lead
--     (src/outbox/outbox-repository.ts `outboxRows`); none for spam.
--
-- Duplicates: a non-spam lead takes an advisory lock on its address first.
-- The lock is held until the caller's transaction ends (the statement's own
-- in autocommit), and the look-up runs after it as a statement of its own:
-- a VOLATILE function takes a new snapshot for each statement in READ
-- COMMITTED, so it sees a lead from the same address committed while it
-- waited. Spam is neither locked nor linked.

-- CreateFunction
CREATE FUNCTION "frontdesk_store_lead"("lead" JSON, "notifications" JSON, "channel" TEXT)
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

  RETURN first_id;
END
$$;
