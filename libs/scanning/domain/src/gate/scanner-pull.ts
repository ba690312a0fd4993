/**
 * The registry token action that marks a pull made for a scan (Harbor's `scanner-pull`). A
 * token carrying it for a repository passes the vulnerability gate there: the scanner must be
 * able to read an image the gate refuses. The token service must issue it only in tokens made
 * for a scan job (an external adapter's short-lived robot), never to ordinary callers.
 */
export const SCANNER_PULL_ACTION = 'scanner-pull';

/**
 * Robots whose chosen name starts with this (`robot$berth-scanner-…`, or
 * `robot$<project>+berth-scanner-…`) are scan robots and pass the gate. The robots API must
 * keep the prefix for the ones Berth creates for scans.
 */
export const SCANNER_ROBOT_NAME_PREFIX = 'berth-scanner-';

const ROBOT_PREFIX = 'robot$';

/** Who pulls, as the registry's token says: its subject and its access entries. */
export interface PullPrincipal {
  subject?: string;
  access: ReadonlyArray<{ type: string; name: string; actions: readonly string[] }>;
}

/** True for a robot's full name whose own part starts with SCANNER_ROBOT_NAME_PREFIX. */
export function isScannerRobotName(fullName: string): boolean {
  if (!fullName.startsWith(ROBOT_PREFIX)) return false;
  const rest = fullName.slice(ROBOT_PREFIX.length);
  // Project robots are `<project>+<name>`; neither part may contain '+'.
  const own = rest.slice(rest.indexOf('+') + 1);
  return own.startsWith(SCANNER_ROBOT_NAME_PREFIX) && own.length > SCANNER_ROBOT_NAME_PREFIX.length;
}

/**
 * Whether a pull of `repository` is the scanner's own and so exempt from the vulnerability
 * gate: the token grants SCANNER_PULL_ACTION on exactly that repository (a `*` grant does not
 * count), or its subject is a scan robot (isScannerRobotName).
 */
export function isScannerPull(principal: PullPrincipal, repository: string): boolean {
  if (principal.subject !== undefined && isScannerRobotName(principal.subject)) return true;
  return principal.access.some(
    (a) =>
      a.type === 'repository' && a.name === repository && a.actions.includes(SCANNER_PULL_ACTION),
  );
}
