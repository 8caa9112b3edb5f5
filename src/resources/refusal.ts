// An operation the object's own settings forbid (deletion protection, say). It fails the reconcile, so the
// user sees why on the conditions, but it is not a failed operation: the metrics do not count it as one, or
// HighDatabaseOperationErrorRate would fire for a refusal the user asked for.
export class RefusedByPolicyError extends Error {
  override name = 'RefusedByPolicyError';
}
