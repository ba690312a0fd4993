// Principals belong to the identity domain, which every service that authenticates shares.
export { ANONYMOUS, subjectOf, type Principal, type UserPrincipal } from '@berth/identity/domain';
