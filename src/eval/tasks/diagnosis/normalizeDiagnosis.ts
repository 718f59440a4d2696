/**
 * The normalised-match judge: does a candidate diagnosis name the gold (or an accepted synonym or ICD-10 code)?
 * Both sides are normalised the same way: Unicode folded (Behçet → behcet, Guillain–Barré → guillain barre),
 * lower case, possessives dropped (Graves' / Parkinson's), British spellings folded (haem-, -aemia, oedema,
 * tumour, goitre), punctuation to spaces, filler words dropped (the, of, a, an, with, due, to, in), and word
 * order ignored (tokens sorted). Known abbreviations (ABBREVIATIONS) are expanded, each meaning tried. A
 * candidate's parenthesised part is tried on its own and the candidate without it is tried too, so
 * "Systemic lupus erythematosus (SLE)" and "SLE (lupus)" both match. Qualifiers are kept: "pancreatitis" does
 * not match "acute pancreatitis" (the LLM judge may call it related).
 */
import { ABBREVIATIONS } from "./abbreviations.js";

const FILLER = new Set(["the", "of", "a", "an", "with", "due", "to", "in", "and", "or"]);

/** Unicode, case, possessives, spelling and punctuation folded; tokens in their original order. */
export function diagnosisTokens(text: string): string[] {
    const folded = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/(\w)['\u2019]s\b/g, "$1").replace(/s['\u2019](?=\s|$)/g, "s")
        .replace(/[^a-z0-9]+/g, " ");
    return folded.split(" ").filter((t) => t !== "").map(britishToAmerican);
}

function britishToAmerican(token: string): string {
    return token.replace(/ae/g, "e").replace(/oe/g, "e").replace(/our$/, "or").replace(/([^aeiou])tre$/, "$1ter");
}

/** Sorted content tokens: the comparison key of one wording. */
export function diagnosisKey(tokens: readonly string[]): string {
    return tokens.filter((t) => !FILLER.has(t)).sort().join(" ");
}

/** Every key a wording may stand for: as written, and with each known abbreviation expanded (every meaning). */
export function diagnosisKeys(text: string): Set<string> {
    const keys = new Set<string>();
    const parts = [text, text.replace(/\([^)]*\)|\[[^\]]*\]/g, " "), ...[...text.matchAll(/\(([^)]*)\)|\[([^\]]*)\]/g)].map((m) => m[1] ?? m[2] ?? "")];
    for (const part of parts) {
        let variants: string[][] = [diagnosisTokens(part)];
        if (variants[0]!.length === 0) {
            continue;
        }
        for (let i = 0; i < variants[0]!.length && variants.length <= 16; i++) {
            const expansions = ABBREVIATIONS.get(variants[0]![i]!);
            if (expansions !== undefined) {
                variants = variants.flatMap((v) => [v, ...expansions.map((e) => [...v.slice(0, i), ...diagnosisTokens(e), ...v.slice(i + 1)])]);
            }
        }
        for (const v of variants) {
            const key = diagnosisKey(v);
            if (key !== "") {
                keys.add(key);
            }
        }
    }
    return keys;
}

/** The keys of the gold diagnosis and everything accepted for it. */
export function acceptedKeys(gold: string, accepted: readonly string[]): Set<string> {
    const keys = new Set<string>();
    for (const name of [gold, ...accepted]) {
        for (const key of diagnosisKeys(name)) {
            keys.add(key);
        }
    }
    return keys;
}

export function matchesGold(candidate: string, accepted: ReadonlySet<string>): boolean {
    for (const key of diagnosisKeys(candidate)) {
        if (accepted.has(key)) {
            return true;
        }
    }
    return false;
}
