import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../login-throttle';
import { hashSecret } from '../secret';
import { InMemoryUserRepository } from '../testing/in-memory-identity';
import { VerifyCredentialsUseCase } from '../usecases/verify-credentials.usecase';
import { InMemoryRobotRepository, type NewRobot } from './robot.repository';

const SECRET = 'Robot-Secret-123';
const robot = (over: Partial<NewRobot> = {}): NewRobot => ({
  name: 'robot$library+ci',
  description: '',
  level: 'project',
  projectId: 1,
  secretHash: hashSecret(SECRET),
  disabled: false,
  duration: -1,
  expiresAt: -1,
  permissions: [],
  creator: 'user:admin',
  ...over,
});

async function verifier(over: Partial<NewRobot> = {}) {
  const robots = new InMemoryRobotRepository();
  await robots.create(robot(over));
  const verify = new VerifyCredentialsUseCase(
    new InMemoryUserRepository(),
    new LoginThrottle(),
    robots,
  );
  return (password: string, allowCliSecret = true, username = 'robot$library+ci') =>
    verify.execute({ username, password, allowCliSecret });
}

describe('robot credentials', () => {
  it('verify an active robot as a robot principal', async () => {
    const result = await (await verifier())(SECRET);
    expect(result).toEqual({
      outcome: 'verified',
      principal: {
        kind: 'robot',
        id: 1,
        name: 'robot$library+ci',
        level: 'project',
        projectId: 1,
        permissions: [],
      },
    });
  });
  it('refuse a wrong secret, an unknown robot and the portal login', async () => {
    const verify = await verifier();
    expect((await verify('Wrong-Secret-1')).outcome).toBe('invalid');
    expect((await verify(SECRET, true, 'robot$nobody')).outcome).toBe('invalid');
    expect((await verify(SECRET, false)).outcome).toBe('invalid');
  });
  it('refuse disabled and expired robots, saying why only to the audit log', async () => {
    expect(await (await verifier({ disabled: true }))(SECRET)).toEqual({
      outcome: 'invalid',
      reason: 'robot disabled',
    });
    const past = Math.floor(Date.now() / 1000) - 1;
    expect(await (await verifier({ expiresAt: past }))(SECRET)).toEqual({
      outcome: 'invalid',
      reason: 'robot expired',
    });
    // Without the right secret nothing about the robot's state is given away.
    expect(await (await verifier({ disabled: true }))('Wrong-Secret-1')).toEqual({
      outcome: 'invalid',
      reason: 'bad credentials',
    });
  });
});
