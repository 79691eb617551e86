-- AlterTable
ALTER TABLE "User" ADD COLUMN     "passwordSignIn" BOOLEAN NOT NULL DEFAULT true;
