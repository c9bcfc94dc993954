import { expect } from 'vitest';
import { TrtexecParseError } from '../../src/index.js';

/** The TrtexecParseError `fn` throws; fails the test when it returns, or throws something else. */
export async function parseFailure(fn: () => unknown): Promise<TrtexecParseError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TrtexecParseError);
    return error as TrtexecParseError;
  }
  throw new Error('expected a TrtexecParseError, got a result');
}
