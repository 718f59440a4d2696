/**
 * Refuses a model SPEC or URL that carries credentials (`http://user:password@host`): a spec is recorded in run
 * directory names, run.json, results.json and reports, and appears in error messages. The message never repeats
 * the spec. Keys go in environment variables (OPENAI_API_KEY).
 */
import { ConfigError } from "../errors/MellamaError.js";

const USERINFO = /[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i;

export function refuseUrlCredentials(field: string, spec: string): void {
    if (USERINFO.test(spec)) {
        throw new ConfigError(field, "the URL carries credentials (user:password@host), which would be recorded in run names, run.json, "
            + "results and reports; remove them and give the key in OPENAI_API_KEY");
    }
}
