-- AlterEnum
ALTER TYPE "AccessAction" ADD VALUE 'SEARCH';
