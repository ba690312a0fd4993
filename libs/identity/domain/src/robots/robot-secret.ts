import { randomSecret } from '../secret';
import { passwordError } from '../user-validation';

/** A fresh robot secret: 32 random characters that also meet the password rule. */
export function generateRobotSecret(): string {
  for (;;) {
    const secret = randomSecret(32);
    if (!passwordError(secret)) return secret;
  }
}

/** Harbor's rule for a chosen robot secret: the password policy's. */
export function robotSecretError(secret: string): string | undefined {
  return passwordError(secret)?.replace(/^password/, 'secret');
}
