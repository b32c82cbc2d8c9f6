-- A held admissions row remembers when its advisor's own digest went out, so
-- that when the rest of the opening's batch is retried (the team digest, or
-- another advisor's) nobody gets their digest twice. Nullable: the running
-- version neither reads nor writes it.

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN "advisor_digest_sent_at" TIMESTAMPTZ(3);
