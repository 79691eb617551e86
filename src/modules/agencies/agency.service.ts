import { isUniqueViolation, prisma } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { AgencyKind, Region } from '../../generated/prisma/enums.js';
import { mayManageUsersOf } from '../auth/roles.js';
import { viewersChanged } from '../auth/session.service.js';
import type { Viewer } from '../auth/viewer.js';

export interface AgencyInput {
  slug: string;
  nameEn: string;
  nameZhHans: string;
  nameZhHant: string;
  namePt?: string | null;
  kind: AgencyKind;
  jurisdiction: string;
  regions: Region[];
}

function slugConflict(error: unknown, slug: string | null | undefined): never {
  if (isUniqueViolation(error)) {
    throw new ConflictError(`Another agency already uses the slug "${slug}".`);
  }
  throw error;
}

export async function createAgency(input: AgencyInput) {
  try {
    return await prisma.agency.create({ data: { ...input, namePt: input.namePt ?? null } });
  } catch (error) {
    slugConflict(error, input.slug);
  }
}

export type AgencyChanges = { [K in keyof AgencyInput]?: AgencyInput[K] | null };

export async function updateAgency(id: string, input: AgencyChanges) {
  const data: Prisma.AgencyUpdateInput = {};
  for (const [key, value] of Object.entries(input)) {
    // Absent fields stay as they are; namePt may be cleared with null, the others may not.
    if (value === undefined || (value === null && key !== 'namePt')) continue;
    Object.assign(data, { [key]: value });
  }
  try {
    const updated = await prisma.agency.update({ where: { id }, data });
    // Viewers carry their agency's regions.
    viewersChanged();
    return updated;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') {
      throw new NotFoundError('agency');
    }
    slugConflict(error, input.slug);
  }
}

/**
 * Requires (or stops requiring) a second factor of every member of the agency, from their next
 * sign-in. The agency's own admins and network admins; to other agencies' admins the agency is
 * NotFound, as its users are.
 */
export async function setAgencySecondFactorRequirement(
  viewer: Viewer,
  agencyId: string,
  required: boolean,
) {
  if (!mayManageUsersOf(viewer, agencyId)) throw new NotFoundError('agency');
  const { count } = await prisma.agency.updateMany({
    where: { id: agencyId },
    data: { requireSecondFactor: required },
  });
  if (count === 0) throw new NotFoundError('agency');
  return prisma.agency.findUniqueOrThrow({ where: { id: agencyId } });
}
