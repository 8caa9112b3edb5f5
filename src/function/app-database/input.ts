// The step's Input (function.dbops.dbprovision.io/v1beta1 Input), checked and defaulted by the schema its CRD
// is generated from (src/apis/function-input.ts): that schema is the one description of the Input.
import { FunctionInput as InputSchema } from '../../apis/function-input.ts';
import type { JsonValue } from '../protocol/messages.ts';
import type { Problem } from '../sdk/problems.ts';
import { validate } from '../sdk/validate.ts';

type Declared = InputSchema;

/**
 * The Input once defaulted: the fields the schema gives a default are always present. Only which fields those
 * are is repeated here; a unit test checks it against the schema's defaults.
 */
export type FunctionInput = Declared & {
  ttlSeconds: number;
  defaults: NonNullable<Declared['defaults']> & { deletionProtection: boolean };
  naming: Required<NonNullable<Declared['naming']>>;
};

/** The Input's problems, and the Input without its invalid fields (so the composite can still be checked). */
export function readInput(input: JsonValue | undefined): { input: FunctionInput; problems: Problem[] } {
  const { value, problems } = validate(InputSchema, input, 'input');
  return { input: value as FunctionInput, problems };
}
