import { isWarroomError, type WarroomError } from '../../src/core/errors.js';

/**
 * Awaits a use case that must refuse, and returns its WarroomError for the test to check the
 * code and message. Anything else thrown is rethrown; resolving fails the test.
 */
export async function expectRefusal(p: Promise<unknown>): Promise<WarroomError> {
  try {
    await p;
  } catch (e) {
    if (isWarroomError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
