/**
 * The Porter stemmer as NLTK's PorterStemmer runs it in its default NLTK_EXTENSIONS mode — the stemmer
 * rouge-score uses when `use_stemmer=True` (applied only to tokens longer than 3 characters). Written from the
 * algorithm (Porter 1980) plus NLTK's documented departures: an irregular-forms table (dying -> die, skies -> sky…),
 * words of length <= 2 left alone, "ies"/"ied" of 4-letter words -> "ie", step 1c's Y -> I only after a consonant
 * that is not the word's first letter, step 2's "bli" -> "ble", the "alli" recursion, "fulli" and "logi" rules, and
 * *o also true for a 2-letter vowel-consonant stem. Checked against NLTK 3.8 on a word list
 * (reference/py/make_metric_cases.py). A rule list applies the FIRST rule whose suffix matches; a failed condition
 * stops the list (no fall-through), as in NLTK.
 */
const IRREGULAR = new Map<string, string>([
    ["sky", "sky"], ["skies", "sky"], ["dying", "die"], ["lying", "lie"], ["tying", "tie"], ["news", "news"],
    ["innings", "inning"], ["inning", "inning"], ["outings", "outing"], ["outing", "outing"], ["cannings", "canning"],
    ["canning", "canning"], ["howe", "howe"], ["proceed", "proceed"], ["exceed", "exceed"], ["succeed", "succeed"],
]);

function isConsonant(word: string, i: number): boolean {
    const ch = word[i];
    if (ch === "a" || ch === "e" || ch === "i" || ch === "o" || ch === "u") {
        return false;
    }
    if (ch === "y") {
        return i === 0 ? true : !isConsonant(word, i - 1);
    }
    return true;
}

/** m in [C](VC){m}[V]: the number of vowel-to-consonant transitions. */
function measure(stem: string): number {
    let m = 0;
    for (let i = 1; i < stem.length; i++) {
        if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) {
            m++;
        }
    }
    return m;
}

function containsVowel(stem: string): boolean {
    for (let i = 0; i < stem.length; i++) {
        if (!isConsonant(stem, i)) {
            return true;
        }
    }
    return false;
}

function endsDoubleConsonant(word: string): boolean {
    const n = word.length;
    return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

function endsCvc(word: string): boolean {
    const n = word.length;
    return (n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1)
        && !"wxy".includes(word[n - 1]!))
        || (n === 2 && !isConsonant(word, 0) && isConsonant(word, 1));
}

type Rule = [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

function applyRules(word: string, rules: readonly Rule[]): string {
    for (const [suffix, replacement, condition] of rules) {
        if (suffix === "*d" && endsDoubleConsonant(word)) {
            const stem = word.slice(0, -2);
            return condition === null || condition(stem) ? stem + replacement : word;
        }
        if (word.endsWith(suffix)) {
            const stem = suffix === "" ? word : word.slice(0, -suffix.length);
            return condition === null || condition(stem) ? stem + replacement : word;
        }
    }
    return word;
}

const positive = (stem: string): boolean => measure(stem) > 0;
const gt1 = (stem: string): boolean => measure(stem) > 1;

function step1a(word: string): string {
    if (word.endsWith("ies") && word.length === 4) {
        return `${word.slice(0, -3)}ie`;
    }
    return applyRules(word, [["sses", "ss", null], ["ies", "i", null], ["ss", "ss", null], ["s", "", null]]);
}

function step1b(word: string): string {
    if (word.endsWith("ied")) {
        return word.slice(0, -3) + (word.length === 4 ? "ie" : "i");
    }
    if (word.endsWith("eed")) {
        const stem = word.slice(0, -3);
        return measure(stem) > 0 ? `${stem}ee` : word;
    }
    let stem: string | undefined;
    for (const suffix of ["ed", "ing"]) {
        if (word.endsWith(suffix) && containsVowel(word.slice(0, -suffix.length))) {
            stem = word.slice(0, -suffix.length);
            break;
        }
    }
    if (stem === undefined) {
        return word;
    }
    const last = stem[stem.length - 1] ?? "";
    return applyRules(stem, [
        ["at", "ate", null], ["bl", "ble", null], ["iz", "ize", null],
        ["*d", last, () => !"lsz".includes(last)],
        ["", "e", (s) => measure(s) === 1 && endsCvc(s)],
    ]);
}

function step1c(word: string): string {
    return applyRules(word, [["y", "i", (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]]);
}

function step2(word: string): string {
    if (word.endsWith("alli") && positive(word.slice(0, -4))) {
        return step2(`${word.slice(0, -4)}al`);
    }
    return applyRules(word, [
        ["ational", "ate", positive], ["tional", "tion", positive], ["enci", "ence", positive], ["anci", "ance", positive],
        ["izer", "ize", positive], ["bli", "ble", positive], ["alli", "al", positive], ["entli", "ent", positive],
        ["eli", "e", positive], ["ousli", "ous", positive], ["ization", "ize", positive], ["ation", "ate", positive],
        ["ator", "ate", positive], ["alism", "al", positive], ["iveness", "ive", positive], ["fulness", "ful", positive],
        ["ousness", "ous", positive], ["aliti", "al", positive], ["iviti", "ive", positive], ["biliti", "ble", positive],
        ["fulli", "ful", positive], ["logi", "log", () => positive(word.slice(0, -3))],
    ]);
}

function step3(word: string): string {
    return applyRules(word, [
        ["icate", "ic", positive], ["ative", "", positive], ["alize", "al", positive], ["iciti", "ic", positive],
        ["ical", "ic", positive], ["ful", "", positive], ["ness", "", positive],
    ]);
}

function step4(word: string): string {
    return applyRules(word, [
        ["al", "", gt1], ["ance", "", gt1], ["ence", "", gt1], ["er", "", gt1], ["ic", "", gt1], ["able", "", gt1],
        ["ible", "", gt1], ["ant", "", gt1], ["ement", "", gt1], ["ment", "", gt1], ["ent", "", gt1],
        ["ion", "", (stem) => measure(stem) > 1 && "st".includes(stem[stem.length - 1] ?? "x")],
        ["ou", "", gt1], ["ism", "", gt1], ["ate", "", gt1], ["iti", "", gt1], ["ous", "", gt1], ["ive", "", gt1], ["ize", "", gt1],
    ]);
}

function step5a(word: string): string {
    if (word.endsWith("e")) {
        const stem = word.slice(0, -1);
        const m = measure(stem);
        if (m > 1 || (m === 1 && !endsCvc(stem))) {
            return stem;
        }
    }
    return word;
}

function step5b(word: string): string {
    return applyRules(word, [["ll", "l", () => measure(word.slice(0, -1)) > 1]]);
}

export function porterStem(word: string): string {
    const lower = word.toLowerCase();
    const irregular = IRREGULAR.get(word);
    if (irregular !== undefined) {
        return irregular;
    }
    if (word.length <= 2) {
        return lower;
    }
    return step5b(step5a(step4(step3(step2(step1c(step1b(step1a(lower))))))));
}
