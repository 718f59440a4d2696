import { MellamaError } from "../../../errors/MellamaError.js";

/** Review files refused at import: names the files and the first problem (file:line: reason); never case text. */
export class ReviewImportError extends MellamaError {
    public constructor(public readonly refused: readonly string[],
        /** Every problem of every file (refused or not), for the command to list. */
        public readonly problems: readonly { file: string; line: number; reason: string }[], firstProblem: string) {
        super("REVIEW_IMPORT", `${refused.length} review file(s) refused, nothing from them imported (first problem: ${firstProblem}); `
            + "verdicts imported before are kept. Fix the lines named above and import again, or pass --on-error skip to import the valid rows.");
    }
}
