-- Advisors, assignment, the response clock and contact log, escalations.

-- CreateEnum
CREATE TYPE "contact_channel" AS ENUM ('call', 'email', 'text');

-- CreateEnum
CREATE TYPE "contact_outcome" AS ENUM ('reached', 'voicemail', 'no-answer', 'wrong-number', 'sent');

-- AlterEnum
ALTER TYPE "notification_kind" ADD VALUE 'escalation';

-- AlterEnum
ALTER TYPE "notification_status" ADD VALUE 'cancelled';

-- AlterTable
ALTER TABLE "staff_users" ADD COLUMN "programs" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "available" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "last_assigned_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "leads" ADD COLUMN "assigned_to_id" UUID,
ADD COLUMN "assigned_at" TIMESTAMPTZ(3),
ADD COLUMN "due_at" TIMESTAMPTZ(3),
ADD COLUMN "respond_by" TIMESTAMPTZ(3),
ADD COLUMN "first_response_at" TIMESTAMPTZ(3),
ADD COLUMN "response_seconds" INTEGER;

-- CreateTable
CREATE TABLE "lead_contacts" (
    "id" UUID NOT NULL,
    "lead_id" UUID NOT NULL,
    "staff_user_id" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "channel" "contact_channel" NOT NULL,
    "outcome" "contact_outcome" NOT NULL,
    "note" TEXT,

    CONSTRAINT "lead_contacts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "leads_assigned_to_id_respond_by_idx" ON "leads"("assigned_to_id", "respond_by");

-- CreateIndex
CREATE INDEX "leads_due_at_idx" ON "leads"("due_at");

-- CreateIndex
CREATE INDEX "lead_contacts_lead_id_at_idx" ON "lead_contacts"("lead_id", "at");

-- AddForeignKey
ALTER TABLE "leads" ADD CONSTRAINT "leads_assigned_to_id_fkey" FOREIGN KEY ("assigned_to_id") REFERENCES "staff_users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lead_contacts" ADD CONSTRAINT "lead_contacts_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lead_contacts" ADD CONSTRAINT "lead_contacts_staff_user_id_fkey" FOREIGN KEY ("staff_user_id") REFERENCES "staff_users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
