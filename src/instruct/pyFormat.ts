/**
 * Python's str.format for the subset Me-LLaMA's templates use: `{name}` fields and `{{`/`}}` escapes.
 * Templates are data copied byte for byte from Me-LLaMA, so they are filled the way Python fills them.
 */
import { ConfigError } from "../errors/MellamaError.js";

export function pyFormat(template: string, fields: Readonly<Record<string, string>>): string {
    let out = "";
    for (let i = 0; i < template.length; i++) {
        const ch = template[i]!;
        if (ch === "{" && template[i + 1] === "{") {
            out += "{";
            i++;
        } else if (ch === "}" && template[i + 1] === "}") {
            out += "}";
            i++;
        } else if (ch === "{") {
            const end = template.indexOf("}", i);
            if (end < 0) {
                throw new ConfigError("template", `unclosed "{" at offset ${i}`);
            }
            const name = template.slice(i + 1, end);
            const value = fields[name];
            if (value === undefined) {
                throw new ConfigError("template", `field {${name}} has no value`);
            }
            out += value;
            i = end;
        } else {
            out += ch;
        }
    }
    return out;
}

/** The field names a template uses, in order of first use. */
export function templateFields(template: string): string[] {
    const names: string[] = [];
    for (const match of template.replaceAll("{{", "").replaceAll("}}", "").matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
        if (!names.includes(match[1]!)) {
            names.push(match[1]!);
        }
    }
    return names;
}
