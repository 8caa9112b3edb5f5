// The Vanished condition: a server object that this object created or adopted disappeared (dropped by hand,
// a restore of the server from an older backup). It is said loudly before the object is re-created, and it
// stays on the status afterwards, so that nobody takes the re-created, empty object for the original.
import type { NewCondition } from '../../runtime/conditions.ts';

export const vanishedCondition = 'Vanished';

/** Vanished=True: reported; the next reconcile re-creates it. */
export function vanished(message: string): NewCondition {
  return { type: vanishedCondition, status: 'True', reason: 'Vanished', message };
}

/** Vanished=False, reason Recreated: what is on the server now is a new, empty object. */
export function recreated(what: string): NewCondition {
  return {
    type: vanishedCondition,
    status: 'False',
    reason: 'Recreated',
    message: `${what} vanished from the server and was re-created empty; its earlier contents are not in it`,
  };
}
