// What every rep screen needs: the space, its published definition and who is working.
import { createContext, useContext } from 'react';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { RepUser } from '../api/rep';

export interface RepSession {
  readonly space: string;
  readonly definition: AppDefinition;
  readonly user: RepUser;
  /** Bumped when a live notification arrives, so open screens reload. */
  readonly pulse: number;
}

export const RepContext = createContext<RepSession | null>(null);

/** The session of the rep screens; they render only inside RepSection once it is known. */
export function useRepSessionOrThrow(): RepSession {
  const session = useContext(RepContext);
  if (!session) throw new Error('rep screens render inside RepSection');
  return session;
}
