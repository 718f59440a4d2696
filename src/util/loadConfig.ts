/**
 * The one way a command loads a config file: readConfigValue (read, YAML or JSON, errors with line:column), then
 * the zod schema (errors with the key path), then the path fields resolved against the config file's directory
 * (`${MELLAMA_DATA}` expanded first), so a config means the same wherever the command is run from. Library entry
 * points take the typed object this returns.
 */
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { dataDir } from "./dataDir.js";
import { parseWithSchema } from "./parseWithSchema.js";
import { readConfigValue } from "./readConfigValue.js";

export interface LoadConfigOptions {
    /** What the file is, for messages ("pretrain config"). */
    what?: string;
    /** Dotted key paths of path fields; `*` steps into every element of an array ("sources.*.path"). */
    paths?: readonly string[];
}

export function loadConfig<T extends z.ZodTypeAny>(path: string, schema: T, { what = "config", paths = [] }: LoadConfigOptions = {}): z.infer<T> {
    const config = parseWithSchema(schema, readConfigValue(path, what), path) as unknown;
    const base = dirname(resolve(path));
    for (const field of paths) {
        resolveField(config, field.split("."), (p) => resolve(base, p.replaceAll("${MELLAMA_DATA}", dataDir())));
    }
    return config as z.infer<T>;
}

function resolveField(node: unknown, keys: readonly string[], at: (p: string) => string): void {
    if (node === null || typeof node !== "object" || keys.length === 0) {
        return;
    }
    const [key, ...rest] = keys as [string, ...string[]];
    if (key === "*") {
        if (Array.isArray(node)) {
            for (const item of node) {
                resolveField(item, rest, at);
            }
        }
        return;
    }
    const record = node as Record<string, unknown>;
    if (rest.length > 0) {
        resolveField(record[key], rest, at);
    } else if (typeof record[key] === "string") {
        record[key] = at(record[key]);
    }
}
