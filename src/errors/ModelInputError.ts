import { MellamaError } from "./MellamaError.js";

/** Tokens, targets or batch shape given to the model are out of range; names the argument and position. */
export class ModelInputError extends MellamaError {
    public constructor(public readonly argument: string, message: string) {
        super("MODEL_INPUT", `${argument}: ${message}`);
    }
}
