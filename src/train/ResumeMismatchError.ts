/** A resume refused because the checkpoint was made by a different run (the field says what differs). */
import { MellamaError } from "../errors/MellamaError.js";

export class ResumeMismatchError extends MellamaError {
    public constructor(public readonly field: string, saved: unknown, current: unknown) {
        super("RESUME_MISMATCH", `resume refused: the checkpoint was made with ${field} = ${JSON.stringify(saved)}, this run has ${JSON.stringify(current)}; `
            + "start a new output directory or restore the original settings");
    }
}
