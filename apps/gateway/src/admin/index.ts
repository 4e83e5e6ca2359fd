export { AdminOptions, AdminUser } from './admin-config';
export { createAdminRouter, type AdminRouterDeps } from './create-admin-router';
export { hashAdminPassword, verifyAdminPassword } from './admin-password';
export type { AdminDataSources } from './admin-data';
