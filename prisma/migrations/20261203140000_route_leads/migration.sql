-- Routing (SPEC §10) in the database, so that routing the leads whose
-- admissions mail is due is one statement instead of a transaction of about
-- nine round trips: the time from a stored lead to its advisor's email is
-- what speed to lead promises, and each round trip waits on the
-- dispatcher's event loop. Called from src/leads/lead-assignment.ts and
-- src/advisors/assignment.ts; tested in
-- tests/integration/routing/route-leads-function.test.ts.

-- frontdesk_queue_webhook: queues an event about each of these leads for
-- every endpoint subscribed to it (SPEC §13) and wakes the dispatchers'
-- webhook loop if it queued anything. One place for that insert, used by
-- frontdesk_route_leads and by src/webhooks/webhook-events.ts.
-- CreateFunction
CREATE OR REPLACE FUNCTION "frontdesk_queue_webhook"("event_type" TEXT, "lead_ids" UUID[], "event_at" TIMESTAMPTZ, "extra" JSONB)
RETURNS INTEGER
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  queued INTEGER;
BEGIN
  INSERT INTO "webhook_deliveries" ("id", "endpoint_id", "event_type", "event_at", "lead_id", "extra", "next_attempt_at")
  SELECT gen_random_uuid(), e."id", "event_type", "event_at", l.id, "extra", "event_at"
    FROM "webhook_endpoints" e
   CROSS JOIN unnest("lead_ids") WITH ORDINALITY AS l(id, n)
   WHERE "event_type" = ANY(e."events")
   ORDER BY l.n, e."id";
  GET DIAGNOSTICS queued = ROW_COUNT;
  IF queued > 0 THEN
    PERFORM pg_notify('frontdesk_webhooks', '');
  END IF;
  RETURN queued;
END
$$;

-- frontdesk_pick_advisors: the round-robin pick, for leads in the order
-- given. Each want is {"programCode", "repeatOf", "exclude"}; the answer is
-- the advisor for each (NULL when nobody eligible is taking leads).
--
-- Takes the routing lock (a transaction-level advisory lock: picks never
-- interleave, whatever the number of dispatchers) and locks the advisors
-- taking leads (FOR NO KEY UPDATE, as the update of last_assigned_at takes
-- anyway: an advisor going away waits for this pick and the next pick no
-- longer sees them; rows that merely point at an advisor are still written).
--
-- The pick: a repeat inquiry stays with the advisor of the lead it repeats
-- when they are eligible (enabled, available, advising its program: no
-- programs means all); otherwise the eligible advisor assigned least
-- recently (never assigned first; ties: oldest account, then id). Each pick
-- stamps its advisor strictly after every earlier stamp, even when `at` is
-- the same instant for a whole batch: the order of assignments, not the
-- clock's resolution, is what the next pick goes by. The advisors are read
-- once into arrays and written once at the end, so a batch of thousands (the
-- opening's digest) costs one read and one update of staff_users.
-- CreateFunction
CREATE OR REPLACE FUNCTION "frontdesk_pick_advisors"("wants" JSON, "at" TIMESTAMPTZ)
RETURNS UUID[]
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  ids UUID[];
  last_at TIMESTAMPTZ[];
  created TIMESTAMPTZ[];
  programs JSONB[];
  picked BOOLEAN[];
  latest TIMESTAMPTZ;
  best INTEGER;
  w RECORD;
  chosen UUID[] := ARRAY[]::UUID[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('frontdesk-routing', 0));
  SELECT coalesce(array_agg(c.id ORDER BY c.id), ARRAY[]::UUID[]),
         coalesce(array_agg(c.last_assigned_at ORDER BY c.id), ARRAY[]::TIMESTAMPTZ[]),
         coalesce(array_agg(c.created_at ORDER BY c.id), ARRAY[]::TIMESTAMPTZ[]),
         coalesce(array_agg(to_jsonb(c.programs) ORDER BY c.id), ARRAY[]::JSONB[]),
         max(c.last_assigned_at)
    INTO ids, last_at, created, programs, latest
    FROM (SELECT s."id", s."last_assigned_at", s."created_at", s."programs"
            FROM "staff_users" s
           WHERE s."disabled_at" IS NULL AND s."available"
             FOR NO KEY UPDATE) c;
  picked := array_fill(false, ARRAY[cardinality(ids)]);

  FOR w IN SELECT x."programCode" AS program_code, x."repeatOf" AS repeat_of, x."exclude" AS exclude
             FROM ROWS FROM (json_to_recordset("wants") AS ("programCode" TEXT, "repeatOf" UUID, "exclude" UUID)) WITH ORDINALITY
                  AS x("programCode", "repeatOf", "exclude", n)
            ORDER BY x.n
  LOOP
    best := NULL;
    FOR i IN 1 .. cardinality(ids) LOOP
      CONTINUE WHEN ids[i] = w.exclude;
      CONTINUE WHEN NOT (jsonb_array_length(programs[i]) = 0 OR programs[i] ? w.program_code);
      IF ids[i] = w.repeat_of THEN
        best := i;
        EXIT;
      END IF;
      IF best IS NULL
         OR (last_at[i] IS NULL AND last_at[best] IS NOT NULL)
         OR last_at[i] < last_at[best]
         OR (last_at[i] IS NOT DISTINCT FROM last_at[best] AND (created[i], ids[i]) < (created[best], ids[best])) THEN
        best := i;
      END IF;
    END LOOP;
    IF best IS NULL THEN
      chosen := chosen || NULL::UUID;
    ELSE
      latest := greatest("at", latest + interval '1 millisecond');
      last_at[best] := latest;
      picked[best] := true;
      chosen := chosen || ids[best];
    END IF;
  END LOOP;

  UPDATE "staff_users" s SET "last_assigned_at" = t.at
    FROM unnest(ids, last_at, picked) AS t(id, at, picked)
   WHERE s."id" = t.id AND t.picked;
  RETURN chosen;
END
$$;

-- frontdesk_route_leads: routes those of the leads whose admissions mail is
-- due that are not routed yet (and not spam), oldest first. Each due row is
-- {"id", "dueAt", "respondBy", "escalationId"}: `respondBy` is computed by
-- the app (office time is the app's arithmetic), `escalationId` is the id of
-- the escalation to queue at `respondBy` if the lead gets an advisor (NULL
-- with ESCALATION=off). With `round_robin`, each lead gets its advisor
-- (frontdesk_pick_advisors), and each lead assigned gets its escalation and
-- a `lead.assigned` webhook; without, leads get their clock only. Answers
-- the leads it routed and their advisors; a lead routed meanwhile by another
-- dispatcher is locked, found routed, and left out.
-- CreateFunction
CREATE OR REPLACE FUNCTION "frontdesk_route_leads"("due" JSON, "at" TIMESTAMPTZ, "round_robin" BOOLEAN, "outbox_channel" TEXT)
RETURNS TABLE ("lead_id" UUID, "advisor_id" UUID)
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  lead_ids UUID[];
  program_codes TEXT[];
  repeats UUID[];
  due_ats TIMESTAMPTZ[];
  respond_bys TIMESTAMPTZ[];
  escalation_ids UUID[];
  advisors UUID[];
BEGIN
  -- The routing lock comes before any lead's, as in every routing transaction.
  IF "round_robin" THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('frontdesk-routing', 0));
  END IF;
  SELECT coalesce(array_agg(u.id ORDER BY u.created_at, u.id), ARRAY[]::UUID[]),
         array_agg(u.program_code ORDER BY u.created_at, u.id),
         array_agg(u.repeat_of ORDER BY u.created_at, u.id),
         array_agg(u.due_at ORDER BY u.created_at, u.id),
         array_agg(u.respond_by ORDER BY u.created_at, u.id),
         array_agg(u.escalation_id ORDER BY u.created_at, u.id)
    INTO lead_ids, program_codes, repeats, due_ats, respond_bys, escalation_ids
    FROM (SELECT l."id" AS id, l."created_at" AS created_at, l."program_code" AS program_code, d."assigned_to_id" AS repeat_of,
                 t."dueAt" AS due_at, t."respondBy" AS respond_by, t."escalationId" AS escalation_id
            FROM json_to_recordset("due") AS t("id" UUID, "dueAt" TIMESTAMPTZ, "respondBy" TIMESTAMPTZ, "escalationId" UUID)
            JOIN "leads" l ON l."id" = t."id"
            LEFT JOIN "leads" d ON d."id" = l."duplicate_of_id"
           WHERE l."due_at" IS NULL AND l."assigned_to_id" IS NULL AND l."status" <> 'spam'
           ORDER BY l."created_at", l."id"
             FOR UPDATE OF l) u;
  IF cardinality(lead_ids) = 0 THEN
    RETURN;
  END IF;

  IF "round_robin" THEN
    SELECT frontdesk_pick_advisors(
             json_agg(json_build_object('programCode', w.program_code, 'repeatOf', w.repeat_of, 'exclude', NULL) ORDER BY w.n), "at")
      INTO advisors
      FROM unnest(program_codes, repeats) WITH ORDINALITY AS w(program_code, repeat_of, n);
  ELSE
    advisors := array_fill(NULL::UUID, ARRAY[cardinality(lead_ids)]);
  END IF;

  UPDATE "leads" l
     SET "assigned_to_id" = t.advisor_id,
         "assigned_at" = CASE WHEN t.advisor_id IS NULL THEN NULL ELSE "at" END,
         "due_at" = t.due_at,
         "respond_by" = t.respond_by
    FROM unnest(lead_ids, advisors, due_ats, respond_bys) AS t(id, advisor_id, due_at, respond_by)
   WHERE l."id" = t.id;

  INSERT INTO "notifications" ("id", "lead_id", "kind", "digest", "scheduled_at", "next_attempt_at")
  SELECT t.escalation_id, t.id, 'escalation', false, t.respond_by, t.respond_by
    FROM unnest(lead_ids, advisors, respond_bys, escalation_ids) AS t(id, advisor_id, respond_by, escalation_id)
   WHERE t.advisor_id IS NOT NULL AND t.escalation_id IS NOT NULL AND t.respond_by IS NOT NULL;
  -- As the outbox's own queue does, only mail due now (by the app's clock) wakes the dispatchers.
  IF EXISTS (SELECT 1 FROM unnest(advisors, respond_bys, escalation_ids) AS t(advisor_id, respond_by, escalation_id)
              WHERE t.advisor_id IS NOT NULL AND t.escalation_id IS NOT NULL AND t.respond_by <= "at") THEN
    PERFORM pg_notify("outbox_channel", '');
  END IF;

  PERFORM frontdesk_queue_webhook('lead.assigned',
                                  ARRAY(SELECT t.id FROM unnest(lead_ids, advisors) WITH ORDINALITY AS t(id, advisor_id, n)
                                         WHERE t.advisor_id IS NOT NULL ORDER BY t.n),
                                  "at", NULL);

  RETURN QUERY SELECT t.id, t.advisor_id FROM unnest(lead_ids, advisors) AS t(id, advisor_id);
END
$$;
