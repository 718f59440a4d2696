/**
 * KernelArgumentError: a kernel was called with arguments it cannot run on (a typed array too short for the
 * shapes, a non-integer or negative size, a token outside the table, the wrong array type). Thrown before any
 * memory is touched. `field` names the argument (`out`, `N`, `targets`, ...).
 *
 * It mirrors MellamaError's shape (`code`, `field`) but lives here because the kernels are a TypeScript
 * project of their own that imports nothing outside src/kernels.
 */
export class KernelArgumentError extends Error {
    public readonly code = "KERNEL_ARGUMENT";

    public constructor(public readonly field: string, message: string) {
        super(`${field}: ${message}`);
        this.name = "KernelArgumentError";
    }
}
