// The hash moved to the identity domain with the user store; kept here for existing importers.
export { hashPassword, verifyPassword } from '@berth/identity/domain';
