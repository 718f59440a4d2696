/**
 * Reads a ranked differential out of a model's free text: numbered lists ("1.", "1)", "(1)", "#1", "Dx 1:"),
 * bulleted lists (-, *, •, –), markdown (bold, headings, tables), comma- or semicolon-separated lines and prose
 * ("The most likely diagnosis is X, followed by Y or Z."). A chain-of-thought answer is read from its last
 * "Final differential" (or "Final diagnosis") heading on. Each candidate is cleaned of rank words, probabilities
 * and explanations ("X - because…", "X: supported by…"), duplicates (same normalised key) are dropped, and at
 * most `k` are kept, in the model's order. The raw output is kept by the harness; this is only its reading.
 */
import { diagnosisKey, diagnosisTokens } from "./normalizeDiagnosis.js";

const LIST_ITEM = /^\s*(?:#{1,6}\s*)?(?:\*\*)?\s*(?:(?:\(?\d{1,2}[.):\]]|#\d{1,2}[.):]?|\d{1,2}\s+[-–—]|(?:diagnosis|dx|ddx|differential)\s*#?\d{1,2}\s*[:.)-])|[-*•–·▪◦+](?=\s))\s*(.*)$/i;
const FINAL_HEADING = /final\s+(?:ranked\s+)?(?:differential(?:\s+diagnos[ie]s)?|diagnos[ie]s|answer|list)[^\n:]*[:\n]/gi;
const LEAD_IN = new RegExp("^(?:(?:the|my|a|an)\\s+)?(?:(?:most|more|less|least)\\s+likely|likely|probable|possible|leading|primary|top|working|main|"
    + "final|alternative|other|differential|ranked)?\\s*(?:diagnos[ie]s|differentials?|possibilit(?:y|ies)|considerations?|options?|candidates?)"
    + "(?:\\s+(?:is|are|would be|could be|include|includes|including|to consider))?\\s*(?:[:\\-–]\\s*)?", "i");
const PROSE_LEAD = /^.*?\b(?:most likely|likely|probably|consistent with|suggestive of|diagnosis is|diagnoses are|include|includes|consider|considered|followed by)\b[:\s]*/i;
/** Refusals and hedges, not diagnoses ("I cannot determine this", "more information is needed"). */
const NOT_A_DIAGNOSIS = /^(?:i|we|it|this|that|there)\b|\b(?:cannot|can't|unable|not possible|insufficient|more information|sorry|as an ai)\b/i;
const EXPLANATION = /\s+[-–—]\s+|:\s|\s+because\b|\s+given\b|\s+as evidenced\b|\s+supported by\b|\s+due to the\b|,\s*(?:which|as|given|since|because|with|likely|suggested|supported|explains?)\b|\.\s+\S|\s+\(\s*\d+\s*%?\s*\)|\s+\d+\s*%/i;

function cleanCandidate(raw: string): string {
    let c = raw.replace(/\*\*|__|`/g, "").replace(/^\|+|\|+$/g, "").split("|").map((x) => x.trim()).filter((x) => x !== "" && !/^\d+$/.test(x))[0] ?? "";
    c = c.replace(/^\s*(?:\d{1,2}[.)]\s*)/, "");
    for (let i = 0; i < 3; i++) {
        const before = c;
        c = c.replace(/^(?:rank\s*\d+|(?:most|less|least)\s+likely|likely|primary|leading|top|alternative|also consider|consider|rule out|r\/o|final diagnosis|diagnosis)\s*[:\-–]\s*/i, "");
        if (c === before) {
            break;
        }
    }
    const cut = c.search(EXPLANATION);
    if (cut > 0) {
        c = c.slice(0, cut);
    }
    return c.replace(/\s*\((?:most|less|least)?\s*likely\)|\s*\(\s*\d+\s*%\s*\)/gi, "").replace(/^["'“”\s]+|["'“”.,;:\s]+$/g, "").trim();
}

/** The prose case: sentences, each stripped of its lead-in, split at commas, semicolons, "or", "and", "followed by". */
function proseCandidates(text: string): string[] {
    const out: string[] = [];
    for (const sentence of text.split(/(?<=[.!?])\s+|\n+/)) {
        let s = sentence.trim();
        if (s === "") {
            continue;
        }
        s = s.replace(PROSE_LEAD, "").replace(LEAD_IN, "");
        for (const piece of s.split(/\s*(?:;|,|\bor\b|\band\b|\bfollowed by\b|\bthen\b|\bvs\.?|\bversus\b)\s*/i)) {
            const c = cleanCandidate(piece.replace(/^(?:possibly|perhaps|less likely|also|finally|lastly)\s+/i, "").replace(LEAD_IN, ""));
            if (c !== "" && diagnosisTokens(c).length <= 12) {
                out.push(c);
            }
        }
    }
    return out;
}

/**
 * The list items that make the differential: numbered items when there are any (bullets under them are
 * explanations), else bullets; in either case only the outermost indentation level.
 */
function topLevelItems(lines: readonly string[]): string[] {
    const found = lines.flatMap((l) => {
        const m = LIST_ITEM.exec(l);
        if (m === null || m[1]!.trim() === "") {
            return [];
        }
        const indent = /^\s*/.exec(l)![0].replace(/\t/g, "    ").length;
        return [{ text: m[1]!, indent, numbered: !/^\s*[-*•–·▪◦+]\s/.test(l) }];
    });
    const numbered = found.filter((f) => f.numbered);
    const pool = numbered.length > 0 ? numbered : found;
    const outer = Math.min(...pool.map((f) => f.indent));
    return pool.filter((f) => f.indent === outer).map((f) => f.text);
}

export function parseDifferential(output: string, k: number): string[] {
    let text = output.replace(/\r\n?/g, "\n");
    const headings = [...text.matchAll(FINAL_HEADING)];
    if (headings.length > 0) {
        const last = headings[headings.length - 1]!;
        text = text.slice(last.index + last[0].length);
    }
    const lines = text.split("\n");
    const items = topLevelItems(lines);
    let candidates: string[];
    if (items.length > 0) {
        candidates = items.map(cleanCandidate);
    } else {
        const tableRows = lines.filter((l) => /^\s*\|/.test(l) && !/^\s*\|[\s:|-]+\|?\s*$/.test(l)).slice(1);
        const nonEmpty = lines.map((l) => l.trim()).filter((l) => l !== "");
        if (tableRows.length > 0) {
            candidates = tableRows.map(cleanCandidate);
        } else if (nonEmpty.length > 1 && nonEmpty.every((l) => diagnosisTokens(l).length <= 8 && !/[,;]/.test(l))) {
            candidates = nonEmpty.map(cleanCandidate); // one bare diagnosis per line
        } else {
            candidates = proseCandidates(text);
        }
    }
    const seen = new Set<string>();
    const out: string[] = [];
    for (const c of candidates) {
        const key = diagnosisKey(diagnosisTokens(c));
        if (c === "" || key === "" || seen.has(key) || NOT_A_DIAGNOSIS.test(c)) {
            continue;
        }
        seen.add(key);
        out.push(c);
        if (out.length === k) {
            break;
        }
    }
    return out;
}
