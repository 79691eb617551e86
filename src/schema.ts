import { builder } from './builder.js';
import './modules/common/errors.schema.js';
import './modules/i18n/locale.schema.js';
import './modules/agencies/agency.schema.js';
import './modules/users/user.schema.js';
import './modules/auth/auth.schema.js';
import './modules/auth/second-factor.schema.js';
import './modules/auth/security-log.schema.js';
import './modules/intel/intel.schema.js';
import './modules/intel/intel-queries.schema.js';
import './modules/intel/intel-mutations.schema.js';
import './modules/operations/operation.schema.js';
import './modules/operations/operation-queries.schema.js';
import './modules/operations/operation-mutations.schema.js';
import './modules/forums/forum.schema.js';
import './modules/forums/forum-queries.schema.js';
import './modules/forums/forum-mutations.schema.js';
import './modules/statistics/statistics.schema.js';
import './modules/alerts/alert.schema.js';
import './modules/alerts/alert-queries.schema.js';
import './modules/alerts/alert-mutations.schema.js';
import './modules/webhooks/webhook.schema.js';
import './modules/credentials/api-credential.schema.js';
import './modules/imports/import.schema.js';
import './modules/sso/identity-provider.schema.js';
import './modules/system/system.schema.js';

// Every module registers its types on the builder when imported; this file only gathers them.
export const schema = builder.toSchema({ sortSchema: true });
