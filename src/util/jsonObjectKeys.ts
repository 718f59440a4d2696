/**
 * The keys of a JSON text's top-level object in the order they are written. JavaScript objects list integer-like
 * keys (PMIDs, row ids) in ascending numeric order whatever the file says, so a reader that must keep the source
 * file's order (PubMedQA's, as the paper's harness iterates it) takes the order from the text. Assumes valid JSON
 * (parse it first): it only tracks strings, escapes and nesting depth.
 */
export function jsonObjectKeys(text: string): string[] {
    const keys: string[] = [];
    let depth = 0;
    let expectKey = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (c === "\"") {
            let j = i + 1;
            while (text[j] !== "\"") {
                j += text[j] === "\\" ? 2 : 1;
            }
            if (depth === 1 && expectKey) {
                keys.push(JSON.parse(text.slice(i, j + 1)) as string);
                expectKey = false;
            }
            i = j;
        } else if (c === "{" || c === "[") {
            depth++;
            expectKey = depth === 1 && c === "{";
        } else if (c === "}" || c === "]") {
            depth--;
        } else if (c === "," && depth === 1) {
            expectKey = true;
        }
    }
    return keys;
}
