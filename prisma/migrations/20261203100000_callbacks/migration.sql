-- Calls from an advisor (SPEC §11): one call per lead, and the mail about it in the outbox.

-- CreateEnum
CREATE TYPE "callback_kind" AS ENUM ('now', 'scheduled');

-- CreateEnum
CREATE TYPE "callback_status" AS ENUM ('booked', 'cancelled');

-- AlterEnum
ALTER TYPE "notification_kind" ADD VALUE 'callback_confirmation';
ALTER TYPE "notification_kind" ADD VALUE 'callback_now';
ALTER TYPE "notification_kind" ADD VALUE 'callback_reminder';
ALTER TYPE "notification_kind" ADD VALUE 'callback_cancelled';

-- CreateTable
CREATE TABLE "callbacks" (
    "id" UUID NOT NULL,
    "lead_id" UUID NOT NULL,
    "advisor_id" UUID,
    "kind" "callback_kind" NOT NULL,
    "status" "callback_status" NOT NULL DEFAULT 'booked',
    "scheduled_for" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "booked_at" TIMESTAMPTZ(3) NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "callbacks_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN "callback_id" UUID,
ADD COLUMN "callback_sequence" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "callbacks_lead_id_key" ON "callbacks"("lead_id");

-- CreateIndex
CREATE INDEX "callbacks_scheduled_for_idx" ON "callbacks"("scheduled_for");

-- CreateIndex
CREATE INDEX "callbacks_advisor_id_scheduled_for_idx" ON "callbacks"("advisor_id", "scheduled_for");

-- CreateIndex
CREATE INDEX "notifications_callback_id_idx" ON "notifications"("callback_id");

-- AddForeignKey
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_advisor_id_fkey" FOREIGN KEY ("advisor_id") REFERENCES "staff_users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_callback_id_fkey" FOREIGN KEY ("callback_id") REFERENCES "callbacks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
