/**
 * Reads a YAML or JSON config file into a plain value for a schema to check: an unreadable file (missing, a
 * directory, no permission) or a syntax error is a ConfigError naming the file (and line:column), never a stack.
 */
import { readFileSync, statSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../errors/MellamaError.js";

/** Config files are kilobytes; anything far larger is refused unread. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export function readConfigValue(path: string, what = "config"): unknown {
    let text: string;
    try {
        const stat = statSync(path);
        if (!stat.isFile() || stat.size > MAX_CONFIG_BYTES) {
            throw new ConfigError(path, `the ${what} is ${stat.isFile() ? `${stat.size} bytes, far beyond any config` : "not a regular file"}`);
        }
        text = readFileSync(path, "utf8");
    } catch (error) {
        if (error instanceof ConfigError) {
            throw error;
        }
        const code = (error as NodeJS.ErrnoException).code;
        throw new ConfigError(path, `cannot read the ${what} (${code === "ENOENT" ? "ENOENT: no such file" : code ?? "error"})`);
    }
    try {
        return parseYaml(text);
    } catch (error) {
        const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
        throw new ConfigError(pos === undefined ? path : `${path}:${pos.line}:${pos.col}`, "not valid YAML or JSON");
    }
}
