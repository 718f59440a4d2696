/**
 * An English tokenizer modelled on spaCy's rule-based tokenizer (what Me-LLaMA's i2b2 scorer applies, through
 * en_core_web_lg, to the text inside entity tags). It follows spaCy's algorithm: split on spaces (extra spaces
 * become whitespace tokens), then for each chunk repeatedly strip prefixes and suffixes, checking special cases
 * (contractions, abbreviations) at every step, and finally split infixes.
 *
 * Rules reproduced (a subset of spaCy's English punctuation rules): prefixes = opening brackets, quotes,
 * currency, and other leading punctuation; suffixes = closing brackets, quotes, trailing punctuation, "'s"/"’s",
 * units after a number ("10mg" -> "10", "mg"), and a period after a lowercase letter, digit or second capital;
 * infixes = hyphens and dashes between letters ("x-ray" -> "x", "-", "ray"), "/", ":", "<", ">", "=" between
 * letters/digits and a letter, a comma between letters, arithmetic signs between digits, and ellipses;
 * special cases = n't/'s/'re/'m/'ll/'ve/'d contractions and common abbreviations ("Dr.", "e.g.", "i.e.", "vs.").
 * Known divergences from spaCy: no URL/email matching, no emoticons, a short abbreviation list, and no
 * statistical component (spaCy's tokenizer has none either). docs/tasks/i2b2.md lists them.
 */
const SPECIAL = new Map<string, string[]>([
    ...["Dr.", "Mr.", "Mrs.", "Ms.", "St.", "vs.", "e.g.", "i.e.", "etc.", "Jr.", "Sr.", "No.", "a.m.", "p.m.",
        "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.", "Inc.", "Ltd.",
        "Co.", "Corp.", "Mt.", "U.S.", "U.K.", "approx.", "b.i.d.", "t.i.d.", "q.i.d.", "p.o.", "q.d."].map((a): [string, string[]] => [a, [a]]),
    ["can't", ["ca", "n't"]], ["won't", ["wo", "n't"]], ["Can't", ["Ca", "n't"]], ["Won't", ["Wo", "n't"]],
]);

const CONTRACTION = /^(.+?)(n't|'s|'re|'m|'ll|'ve|'d|’s)$/i;
const OPEN = "([{<\"'`«“‘„$£€¥#§%=+*&~^|_-–—…,:;!?¿¡";
const CLOSE = ")]}>\"'`»”’%,:;!?…*&|_";
const UNITS = /^(.*\d)(km|m|cm|mm|kg|g|mg|mcg|ug|µg|ml|mL|l|L|dl|dL|cc|h|hr|hrs|min|s|sec|mmhg|mmHg|lb|lbs|oz|bpm|u|iu|IU|meq|mEq|mmol|mol|%)$/;
const INFIX = /(\.\.\.|…|(?<=[0-9])[+\-*^](?=[0-9-])|(?<=[a-z])\.(?=[A-Z])|(?<=[A-Za-z]),(?=[A-Za-z])|(?<=[A-Za-z0-9])(?:---|--|-|–|—|~)(?=[A-Za-z])|(?<=[A-Za-z0-9])[:<>=/](?=[A-Za-z]))/;

function suffixLength(token: string): number {
    if (token.length <= 1) {
        return 0;
    }
    const last = token[token.length - 1]!;
    if (CLOSE.includes(last)) {
        return 1;
    }
    if (last === ".") {
        const prev = token[token.length - 2]!;
        const prev2 = token.length >= 3 ? token[token.length - 3]! : "";
        if (/[a-z0-9)\]}"'%]/.test(prev) || (/[A-Z]/.test(prev) && /[A-Z]/.test(prev2))) {
            return 1;
        }
        return token.endsWith("...") ? 3 : 0;
    }
    const unit = UNITS.exec(token);
    if (unit !== null) {
        return token.length - unit[1]!.length;
    }
    return 0;
}

function splitInfixes(token: string): string[] {
    const out: string[] = [];
    let rest = token;
    for (let m = INFIX.exec(rest); m !== null && rest !== ""; m = INFIX.exec(rest)) {
        if (m.index > 0) {
            out.push(rest.slice(0, m.index));
        }
        out.push(m[0]);
        rest = rest.slice(m.index + m[0].length);
    }
    if (rest !== "") {
        out.push(rest);
    }
    return out;
}

function tokenizeChunk(chunk: string): string[] {
    const prefixes: string[] = [];
    const suffixes: string[] = [];
    let token = chunk;
    while (token !== "") {
        const special = SPECIAL.get(token);
        if (special !== undefined) {
            return [...prefixes, ...special, ...suffixes.reverse()];
        }
        if (token.length > 1 && OPEN.includes(token[0]!) && !(token[0] === "-" && /[0-9]/.test(token[1]!))) {
            prefixes.push(token[0]!);
            token = token.slice(1);
            continue;
        }
        const contraction = CONTRACTION.exec(token);
        if (contraction !== null && !/['’]/.test(contraction[1]!)) {
            suffixes.push(contraction[2]!);
            token = contraction[1]!;
            continue;
        }
        const n = suffixLength(token);
        if (n > 0 && n < token.length) {
            suffixes.push(token.slice(token.length - n));
            token = token.slice(0, token.length - n);
            continue;
        }
        break;
    }
    return [...prefixes, ...splitInfixes(token), ...suffixes.reverse()];
}

export function spacyLikeTokenize(text: string): string[] {
    const tokens: string[] = [];
    // Spaces are separators; a space right after a token is that token's trailing whitespace, any other run of
    // whitespace (leading, doubled, newlines, tabs) is kept as a whitespace token, as spaCy does.
    const parts = text.match(/\s+|\S+/g) ?? [];
    let afterToken = false;
    for (const part of parts) {
        if (/^\s/.test(part)) {
            const ws = afterToken && part.startsWith(" ") ? part.slice(1) : part;
            if (ws !== "") {
                tokens.push(ws);
            }
            afterToken = false;
            continue;
        }
        tokens.push(...tokenizeChunk(part));
        afterToken = true;
    }
    return tokens;
}
