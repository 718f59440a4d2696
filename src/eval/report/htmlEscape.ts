/** Escaping for the report pages: text into HTML, and JSON into an inline <script> (no "</script>" breakout). */
export function escapeHtml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export function jsonForScript(value: unknown): string {
    return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function fmt(value: number | string | undefined | null, digits = 4): string {
    return typeof value === "number" ? value.toFixed(digits) : value === undefined || value === null ? "–" : String(value);
}
