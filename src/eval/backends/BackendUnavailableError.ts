import { MellamaError } from "../../errors/MellamaError.js";

/** A model backend cannot run here (not wired yet, optional dependency missing or failing); names the backend and the fix. */
export class BackendUnavailableError extends MellamaError {
    public constructor(public readonly backend: string, message: string, options?: { cause?: unknown }) {
        super("BACKEND_UNAVAILABLE", `backend ${backend}: ${message}`, options);
    }
}
