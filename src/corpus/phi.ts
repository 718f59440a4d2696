/**
 * PHI scan for clinical text: MIMIC's de-identification placeholders `[** ... **]` normalised to typed tags, and a
 * rule-based detector for the identifiers de-identification misses most: names after titles, dates, phone and fax
 * numbers, e-mail addresses, MRNs, SSNs, street addresses and URLs. It flags (counts) or redacts ("[NAME]",
 * "[DATE]", …). Findings carry their category and offsets, never their text, so nothing identifying reaches logs.
 */
export type PhiCategory = "name" | "date" | "phone" | "email" | "mrn" | "ssn" | "address" | "url" | "placeholder";

export interface PhiFinding {
    category: PhiCategory;
    start: number;
    end: number;
}

const FIVE_DIGITS = /\d{5}/;

/**
 * Each rule with, where it pays, a necessary condition checked first: a text that fails it cannot match, and
 * the test is far cheaper than the rule's scan (the e-mail rule tries "\b[\w.+-]+" at every word; the MRN rule,
 * case-insensitive, at every word boundary, while only ~3% of notes hold five digits in a row).
 */
const RULES: [PhiCategory, RegExp, ((text: string) => boolean)?][] = [
    ["email", /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, (t) => t.includes("@")],
    ["url", /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi],
    ["ssn", /\b\d{3}-\d{2}-\d{4}\b/g, (t) => t.includes("-")],
    ["phone", /(?:\+1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b/g],
    ["mrn", /\b(?:MRN|medical record(?: number)?|record #|acct(?:ount)? #?)\s*[:#]?\s*\d{5,10}\b/gi, (t) => FIVE_DIGITS.test(t)],
    ["date", /\b(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4})\b/gi],
    ["address", /\b\d{1,5} (?:[A-Z][a-z]+ ){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way)\b\.?/g],
    // Case-sensitive: a match starts with one of these titles.
    ["name", /\b(?:Dr|Mr|Mrs|Ms|Miss|Prof)\.? [A-Z][a-z]+(?: [A-Z][a-z]+)?\b/g,
        (t) => t.includes("Dr") || t.includes("Mr") || t.includes("Ms") || t.includes("Miss") || t.includes("Prof")],
];

const PLACEHOLDER = /\[\*\*([^\]]*?)\*\*\]/g;

/** MIMIC placeholder text → the category its content names ("First Name", "Hospital", "2101-3-4" …). */
function placeholderCategory(inner: string): string {
    const s = inner.toLowerCase();
    if (/name/.test(s)) {
        return "NAME";
    }
    if (/\d{4}-\d{1,2}-\d{1,2}|date|month|year/.test(s)) {
        return "DATE";
    }
    if (/hospital|location|address|state|country|ward/.test(s)) {
        return "LOCATION";
    }
    if (/telephone|phone|fax/.test(s)) {
        return "PHONE";
    }
    if (/number|mrn|id/.test(s)) {
        return "ID";
    }
    return "PHI";
}

export function findPhi(text: string): PhiFinding[] {
    const found: PhiFinding[] = [];
    for (const m of text.includes("[**") ? text.matchAll(PLACEHOLDER) : []) {
        found.push({ category: "placeholder", start: m.index, end: m.index + m[0].length });
    }
    for (const [category, re, possible] of RULES) {
        if (possible !== undefined && !possible(text)) {
            continue;
        }
        for (const m of text.matchAll(re)) {
            const start = m.index;
            const end = start + m[0].length;
            if (!found.some((f) => start < f.end && end > f.start)) {
                found.push({ category, start, end });
            }
        }
    }
    return found.sort((a, b) => a.start - b.start);
}

export interface PhiResult {
    text: string;
    counts: Partial<Record<PhiCategory, number>>;
}

/** Normalises MIMIC placeholders and flags or redacts what the rules find. */
export function scanPhi(text: string, mode: "flag" | "redact"): PhiResult {
    const counts: Partial<Record<PhiCategory, number>> = {};
    const findings = findPhi(text);
    for (const f of findings) {
        counts[f.category] = (counts[f.category] ?? 0) + 1;
    }
    let out = "";
    let at = 0;
    for (const f of findings) {
        out += text.slice(at, f.start);
        const span = text.slice(f.start, f.end);
        if (f.category === "placeholder") {
            out += `[${placeholderCategory(span.slice(3, -3))}]`;
        } else {
            out += mode === "redact" ? `[${f.category.toUpperCase()}]` : span;
        }
        at = f.end;
    }
    return { text: out + text.slice(at), counts };
}
