import { MellamaError } from "./MellamaError.js";

/** A loss or gradient norm became NaN or Inf; names the optimizer step (and micro-batch) so a run can be resumed before it. */
export class NonFiniteTrainingError extends MellamaError {
    public constructor(public readonly step: number, public readonly quantity: string, public readonly value: number,
        microBatch?: number) {
        super("NON_FINITE", `step ${step}${microBatch === undefined ? "" : ` (micro-batch ${microBatch})`}: ${quantity} is ${String(value)}; `
            + "training stopped. HINT: lower the learning rate, enable gradient clipping, or resume from an earlier checkpoint.");
    }
}
