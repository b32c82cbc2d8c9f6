/**
 * What a lead is, apart from how it is stored: the vocabulary other
 * capabilities share (education levels, attribution, consent evidence) and
 * the shapes that cross the leads module's boundary.
 */
export const EDUCATION_LEVELS = [
  { value: 'high-school', label: 'High school diploma or GED' },
  { value: 'some-college', label: 'Some college' },
  { value: 'associate', label: 'Associate degree' },
  { value: 'bachelor', label: "Bachelor's degree" },
  { value: 'master', label: "Master's degree or higher" },
] as const;

export function educationLabel(value: string | null): string | null {
  if (value === null) return null;
  return EDUCATION_LEVELS.find((level) => level.value === value)?.label ?? value;
}

/** The person's own fields, already validated (inquiries/inquiry-schema.ts). */
export interface LeadContact {
  firstName: string;
  lastName: string;
  email: string;
  /** E.164. */
  phone: string;
  postalCode?: string;
  program: string;
  educationLevel?: string;
  message?: string;
}

/** Where the lead came from: the article and the campaign tags it carried. */
export interface Attribution {
  articleSlug?: string;
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
  utmTerm?: string;
  utmContent?: string;
  referrer?: string;
}

/** What the person agreed to, and where: kept with the lead as proof. */
export interface ConsentEvidence {
  text: string;
  version: string;
  sha256: string;
  pageUrl: string;
  ip: string;
  userAgent: string;
}

export interface NewLead {
  contact: LeadContact;
  attribution: Attribution;
  consent: ConsentEvidence;
  spam: boolean;
  at: Date;
}

export interface StoredLead {
  id: string;
  status: 'new' | 'spam';
  /** The first lead from the same address in the last 30 days, when this one repeats it. */
  duplicateOfId: string | null;
  createdAt: Date;
}

/** What every view of a stored lead carries. */
export interface LeadBasics {
  id: string;
  createdAt: Date;
  firstName: string;
  lastName: string;
  email: string;
  /** E.164. */
  phone: string;
  articleSlug: string | null;
  duplicateOfId: string | null;
}

/** A lead with the names an email shows beside it (its program's, its article's). */
export interface LeadWithContext extends LeadBasics {
  postalCode: string | null;
  programName: string;
  programLevel: string;
  educationLevel: string | null;
  message: string | null;
  articleTitle: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  referrer: string | null;
}
