-- Trigram matching for substring search in any script (see IntelReport_searchText_trgm_idx).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "Tlp" AS ENUM ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED');

-- CreateEnum
CREATE TYPE "Pap" AS ENUM ('CLEAR', 'GREEN', 'AMBER', 'RED');

-- CreateEnum
CREATE TYPE "IpRight" AS ENUM ('TRADEMARK', 'PATENT', 'DESIGN', 'COPYRIGHT', 'GEOGRAPHICAL_INDICATION');

-- CreateEnum
CREATE TYPE "ProductCategory" AS ENUM ('APPAREL', 'FOOTWEAR', 'LEATHER_GOODS', 'WATCHES_JEWELLERY', 'ELECTRONICS', 'BATTERIES', 'PHARMACEUTICALS', 'COSMETICS', 'FOOD_BEVERAGE', 'TOBACCO_ALCOHOL', 'AUTO_PARTS', 'TOYS', 'SOFTWARE_MEDIA', 'MACHINERY', 'OTHER');

-- CreateEnum
CREATE TYPE "SourceReliability" AS ENUM ('A', 'B', 'C', 'D', 'E', 'F');

-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('DRAFT', 'PUBLISHED', 'RETRACTED');

-- CreateEnum
CREATE TYPE "AudienceScope" AS ENUM ('NETWORK', 'REGIONS', 'AGENCIES', 'RECIPIENTS');

-- CreateEnum
CREATE TYPE "AudienceGrant" AS ENUM ('AUTHOR', 'ACCESS_REQUEST');

-- CreateEnum
CREATE TYPE "ObservableType" AS ENUM ('COMPANY_NAME', 'COMPANY_REGISTRATION', 'PERSON_NAME', 'WEBSITE_URL', 'DOMAIN', 'MARKETPLACE_LISTING', 'PHONE', 'EMAIL', 'POSTAL_ADDRESS', 'CONTAINER_NUMBER', 'BILL_OF_LADING', 'AIR_WAYBILL', 'VESSEL_IMO', 'COURIER_TRACKING', 'GTIN', 'TRADEMARK_REGISTRATION', 'PAYMENT_ACCOUNT');

-- CreateTable
CREATE TABLE "IntelReport" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "ipRight" "IpRight" NOT NULL,
    "category" "ProductCategory" NOT NULL,
    "hsCode" TEXT,
    "brands" TEXT[],
    "observedCountry" TEXT,
    "originCountry" TEXT,
    "transitCountries" TEXT[],
    "destinationCountry" TEXT,
    "observedFrom" TIMESTAMPTZ(3),
    "observedTo" TIMESTAMPTZ(3),
    "estimatedQuantity" INTEGER,
    "quantityUnit" TEXT,
    "estimatedValue" DECIMAL(18,2),
    "currency" TEXT,
    "sourceReliability" "SourceReliability" NOT NULL,
    "infoCredibility" SMALLINT NOT NULL,
    "tlp" "Tlp" NOT NULL,
    "pap" "Pap" NOT NULL,
    "status" "ReportStatus" NOT NULL DEFAULT 'DRAFT',
    "audienceScope" "AudienceScope" NOT NULL,
    "audienceRegions" "Region"[],
    "matchingOptOut" BOOLEAN NOT NULL DEFAULT false,
    "retractionReason" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "searchText" TEXT NOT NULL,
    "authorAgencyId" UUID NOT NULL,
    "authorUserId" UUID NOT NULL,
    "publishedAt" TIMESTAMPTZ(3),
    "retractedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IntelReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntelAudienceAgency" (
    "reportId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "grantedVia" "AudienceGrant" NOT NULL DEFAULT 'AUTHOR',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntelAudienceAgency_pkey" PRIMARY KEY ("reportId","agencyId")
);

-- CreateTable
CREATE TABLE "IntelRecipient" (
    "reportId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "grantedVia" "AudienceGrant" NOT NULL DEFAULT 'AUTHOR',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntelRecipient_pkey" PRIMARY KEY ("reportId","userId")
);

-- CreateTable
CREATE TABLE "IntelObservable" (
    "id" UUID NOT NULL,
    "reportId" UUID NOT NULL,
    "type" "ObservableType" NOT NULL,
    "value" TEXT NOT NULL,
    "valueHash" BYTEA NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntelObservable_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntelReportVersion" (
    "id" UUID NOT NULL,
    "reportId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "changedById" UUID NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changes" JSONB NOT NULL,

    CONSTRAINT "IntelReportVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IntelReport_authorAgencyId_status_idx" ON "IntelReport"("authorAgencyId", "status");

-- CreateIndex
CREATE INDEX "IntelReport_status_publishedAt_idx" ON "IntelReport"("status", "publishedAt" DESC);

-- CreateIndex
CREATE INDEX "IntelReport_category_idx" ON "IntelReport"("category");

-- CreateIndex
CREATE INDEX "IntelReport_searchText_trgm_idx" ON "IntelReport" USING GIN ("searchText" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "IntelAudienceAgency_agencyId_idx" ON "IntelAudienceAgency"("agencyId");

-- CreateIndex
CREATE INDEX "IntelRecipient_userId_idx" ON "IntelRecipient"("userId");

-- CreateIndex
CREATE INDEX "IntelObservable_valueHash_idx" ON "IntelObservable"("valueHash");

-- CreateIndex
CREATE UNIQUE INDEX "IntelObservable_reportId_type_valueHash_key" ON "IntelObservable"("reportId", "type", "valueHash");

-- CreateIndex
CREATE UNIQUE INDEX "IntelReportVersion_reportId_version_key" ON "IntelReportVersion"("reportId", "version");

-- AddForeignKey
ALTER TABLE "IntelReport" ADD CONSTRAINT "IntelReport_authorAgencyId_fkey" FOREIGN KEY ("authorAgencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelReport" ADD CONSTRAINT "IntelReport_authorUserId_fkey" FOREIGN KEY ("authorUserId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAudienceAgency" ADD CONSTRAINT "IntelAudienceAgency_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAudienceAgency" ADD CONSTRAINT "IntelAudienceAgency_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelRecipient" ADD CONSTRAINT "IntelRecipient_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelRecipient" ADD CONSTRAINT "IntelRecipient_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelObservable" ADD CONSTRAINT "IntelObservable_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelReportVersion" ADD CONSTRAINT "IntelReportVersion_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelReportVersion" ADD CONSTRAINT "IntelReportVersion_changedById_fkey" FOREIGN KEY ("changedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
