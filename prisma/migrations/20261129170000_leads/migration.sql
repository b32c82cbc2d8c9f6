-- CreateEnum
CREATE TYPE "lead_status" AS ENUM ('new', 'contacted', 'qualified', 'enrolled', 'not-interested', 'spam');

-- CreateTable
CREATE TABLE "leads" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "postal_code" TEXT,
    "program_code" TEXT NOT NULL,
    "education_level" TEXT,
    "message" TEXT,
    "status" "lead_status" NOT NULL DEFAULT 'new',
    "duplicate_of_id" UUID,
    "article_slug" TEXT,
    "utm_source" TEXT,
    "utm_medium" TEXT,
    "utm_campaign" TEXT,
    "utm_term" TEXT,
    "utm_content" TEXT,
    "referrer" TEXT,

    CONSTRAINT "leads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent_records" (
    "lead_id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "page_url" TEXT NOT NULL,
    "consented_at" TIMESTAMPTZ(3) NOT NULL,
    "ip" TEXT NOT NULL,
    "user_agent" TEXT NOT NULL,

    CONSTRAINT "consent_records_pkey" PRIMARY KEY ("lead_id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "key" TEXT NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "status_code" INTEGER NOT NULL,
    "response_body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "leads_created_at_idx" ON "leads"("created_at");

-- CreateIndex
CREATE INDEX "leads_status_id_idx" ON "leads"("status", "id");

-- CreateIndex
CREATE INDEX "leads_program_code_id_idx" ON "leads"("program_code", "id");

-- CreateIndex
CREATE INDEX "leads_article_slug_id_idx" ON "leads"("article_slug", "id");

-- CreateIndex
CREATE INDEX "leads_email_created_at_idx" ON "leads"("email", "created_at");

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");

-- AddForeignKey
ALTER TABLE "leads" ADD CONSTRAINT "leads_program_code_fkey" FOREIGN KEY ("program_code") REFERENCES "programs"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leads" ADD CONSTRAINT "leads_duplicate_of_id_fkey" FOREIGN KEY ("duplicate_of_id") REFERENCES "leads"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent_records" ADD CONSTRAINT "consent_records_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A consent record is evidence: it may be erased with its lead, never edited.
-- (Not expressible in schema.prisma, so it lives only here.)
CREATE FUNCTION "consent_records_are_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent records cannot be changed' USING ERRCODE = 'P0001';
END;
$$;

CREATE TRIGGER "consent_records_no_update" BEFORE UPDATE ON "consent_records"
  FOR EACH ROW EXECUTE FUNCTION "consent_records_are_immutable"();
