/**
 * Answer parsers for classification outputs.
 *
 * Paper (Me-LLaMA's vital_measure.py Classification.process_results): strip the output (and lowercase it and the
 * choices when the task's LOWER_CASE flag is set), then the prediction is the FIRST CHOICE IN LIST ORDER that occurs
 * anywhere as a substring; none gives "missing". Quirks kept on purpose: "neurology" contains "urology", "A" matches
 * the article in "A 45-year-old…", and the list order decides ties, not the position in the output.
 *
 * Strict: labels are compared case-insensitively after collapsing whitespace, a choice must stand as a whole
 * word or phrase (no letter or digit on either side), and the choice that occurs EARLIEST in the output wins
 * (the longest one at the same position, so "Cosmetic / Plastic Surgery" beats "Surgery"). Single-letter
 * choices (MedQA, MedMCQA) are matched case-sensitively, since a lowercase "a" is an article, not an answer,
 * and the letter is taken, in this order, from an explicit "answer is X" / "Answer: X", a letter opening the
 * output ("B. …", "(B)"), a bracketed "(X)" anywhere, and only then the earliest capital letter standing alone.
 */
import { pyStrip } from "./pyText.js";

export const MISSING = "missing";

export { pyStrip };

export function paperFirstChoice(output: string, choices: readonly string[], lowerCase: boolean): string {
    const text = lowerCase ? pyStrip(output).toLowerCase() : pyStrip(output);
    for (const raw of choices) {
        const choice = lowerCase ? raw.toLowerCase() : raw;
        if (text.includes(choice)) {
            return choice;
        }
    }
    return MISSING;
}

/** Me-LLaMA's DDI rule: every choice found as a case-sensitive substring; exactly one found is the answer. */
export function paperExactlyOneChoice(output: string, choices: readonly string[]): string {
    const text = pyStrip(output);
    const found = choices.filter((choice) => text.includes(choice));
    return found.length === 1 ? found[0]! : MISSING;
}

export function normalizeLabel(text: string): string {
    return text.toLowerCase().replace(/\s+/g, " ").trim();
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const patternCache = new Map<string, RegExp>();

/** A whole-word pattern for a choice; whitespace inside the choice matches any run of whitespace. */
function choicePattern(choice: string): RegExp {
    const caseSensitive = choice.length === 1;
    const key = `${caseSensitive ? "s" : "i"}\0${choice}`;
    let re = patternCache.get(key);
    if (re === undefined) {
        const body = choice.trim().split(/\s+/).map(escapeRegExp).join("\\s+");
        re = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, caseSensitive ? "gu" : "giu");
        patternCache.set(key, re);
    }
    return re;
}

/** Every whole-word occurrence of every choice: [choice index, start, end]. */
export function findChoices(output: string, choices: readonly string[]): [number, number, number][] {
    const hits: [number, number, number][] = [];
    choices.forEach((choice, i) => {
        const re = choicePattern(choice);
        re.lastIndex = 0;
        for (let m = re.exec(output); m !== null; m = re.exec(output)) {
            hits.push([i, m.index, m.index + m[0].length]);
        }
    });
    return hits;
}

/** "The answer is (B)", "Answer: B" — the explicit statement wins over letters elsewhere in the output. */
const STATED_LETTER = /(?:[Aa]nswer|ANSWER)(?:\s+is)?\s*[:：]?\s*(?:option\s+)?\(?([A-Z])(?![\p{L}\p{N}])/u;
/** "B. Tell the attending…", "(B)", "B)" or a lone "B" opening the output; "A 45-year-old…" is not a letter answer. */
const LEADING_LETTER = /^\s*\(?([A-Z])(?:[.):]|\s*$)/u;
/** "(B)" anywhere: a parenthesised option letter. */
const BRACKETED_LETTER = /\(([A-Z])\)/u;

/** Strict single answer: the earliest whole-word choice (longest at a tie); returns the normalised label. */
export function strictFirstChoice(output: string, choices: readonly string[]): string {
    if (choices.length > 0 && choices.every((c) => c.length === 1)) {
        // In order of how explicitly the letter is given as the answer.
        for (const pattern of [STATED_LETTER, LEADING_LETTER, BRACKETED_LETTER]) {
            const letter = pattern.exec(output)?.[1];
            if (letter !== undefined && choices.includes(letter)) {
                return normalizeLabel(letter);
            }
        }
    }
    let best: [number, number, number] | undefined;
    for (const hit of findChoices(output, choices)) {
        if (best === undefined || hit[1] < best[1] || (hit[1] === best[1] && hit[2] > best[2])) {
            best = hit;
        }
    }
    return best === undefined ? MISSING : normalizeLabel(choices[best[0]]!);
}

/** Strict DDI: the distinct choices that occur as whole words, case-insensitively; exactly one is the answer. */
export function strictExactlyOneChoice(output: string, choices: readonly string[]): string {
    const found = new Set(findChoices(output, choices).map(([i]) => i));
    return found.size === 1 ? normalizeLabel(choices[[...found][0]!]!) : MISSING;
}

/** Strict multi-label: each choice present as a whole word/phrase, case-insensitively. */
export function strictChoiceSet(output: string, choices: readonly string[]): number[] {
    const found = new Set(findChoices(output, choices).map(([i]) => i));
    return choices.map((_, i) => (found.has(i) ? 1 : 0));
}

/** Paper multi-label (HoC): choice i is present when it is a case-sensitive substring of the stripped output. */
export function paperChoiceSet(output: string, choices: readonly string[]): number[] {
    const text = pyStrip(output);
    return choices.map((choice) => (text.includes(choice) ? 1 : 0));
}
