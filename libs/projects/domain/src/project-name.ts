import { badRequest } from '@berth/api/domain';

const MAX_NAME_LENGTH = 255;
// One OCI path component: lower-case alphanumerics joined by `.`, `_`, `__` or runs of `-`.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Why `name` cannot name a project (Harbor's rules), or undefined when it can. */
export function projectNameError(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'project_name is required';
  if (name.length > MAX_NAME_LENGTH)
    return `project_name is longer than ${MAX_NAME_LENGTH} characters`;
  if (!COMPONENT.test(name))
    return 'project_name must be lower-case letters, digits and single separators (. _ __ -), starting and ending with a letter or digit';
  return undefined;
}

export function requireProjectName(name: unknown): string {
  const error = projectNameError(name);
  if (error) throw badRequest(error);
  return name as string;
}
