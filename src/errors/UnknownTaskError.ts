import { MellamaError } from "./MellamaError.js";

/** A task name that is not in the registry: lists the valid names. */
export class UnknownTaskError extends MellamaError {
    public constructor(public readonly task: string, public readonly validNames: readonly string[]) {
        super("UNKNOWN_TASK", `unknown task "${task}"; valid tasks: ${validNames.join(", ")}`);
    }
}
