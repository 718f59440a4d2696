/** Validates a parsed config value against a zod schema; the first problem is a ConfigError naming the file and the key path. */
import type { z } from "zod";
import { ConfigError } from "../errors/MellamaError.js";

export function parseWithSchema<T extends z.ZodTypeAny>(schema: T, value: unknown, file: string): z.infer<T> {
    const result = schema.safeParse(value);
    if (!result.success) {
        const issue = result.error.issues[0]!;
        const key = issue.code === "unrecognized_keys" ? [...issue.path, ...issue.keys].join(".") : issue.path.join(".");
        throw new ConfigError(`${file}: ${key || "(root)"}`, issue.message);
    }
    return result.data as z.infer<T>;
}
