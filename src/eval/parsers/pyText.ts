/**
 * Python's str.strip() and str.split() (no arguments) for code that must match Me-LLaMA's Python byte for byte.
 * Python's whitespace (str.isspace) differs from JavaScript's \s: it includes the separators \x1c-\x1f and NEL
 * (\x85) and excludes the BOM (\ufeff).
 */
const PY_WS = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, "g");
const SPLIT = new RegExp(`[${PY_WS}]+`);

export function pyStrip(text: string): string {
    return text.replace(STRIP, "");
}

export function pySplit(text: string): string[] {
    return text.split(SPLIT).filter((t) => t !== "");
}
