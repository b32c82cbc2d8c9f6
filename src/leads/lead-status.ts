import type { LeadStatus as PrismaLeadStatus } from '../generated/prisma/client';

/**
 * Lead statuses as the HTTP API and exports (docs/http-api.md) and the database spell them
 * (`not-interested`). Prisma's client names that one `not_interested`; the
 * two helpers below are the only place that difference is handled.
 */
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'enrolled', 'not-interested', 'spam'] as const;

export type LeadStatusName = (typeof LEAD_STATUSES)[number];

export const STATUS_LABELS: Readonly<Record<LeadStatusName, string>> = {
  new: 'New',
  contacted: 'Contacted',
  qualified: 'Qualified',
  enrolled: 'Enrolled',
  'not-interested': 'Not interested',
  spam: 'Spam',
};

export function isLeadStatus(value: unknown): value is LeadStatusName {
  return typeof value === 'string' && (LEAD_STATUSES as readonly string[]).includes(value);
}

export function toPrismaStatus(status: LeadStatusName): PrismaLeadStatus {
  return (status === 'not-interested' ? 'not_interested' : status) as PrismaLeadStatus;
}

export function fromPrismaStatus(status: PrismaLeadStatus): LeadStatusName {
  return status === 'not_interested' ? 'not-interested' : status;
}
