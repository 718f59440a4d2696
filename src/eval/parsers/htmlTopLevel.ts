/**
 * The top level of an HTML fragment, as Me-LLaMA's i2b2 scorer sees it through BeautifulSoup(html, "html.parser"):
 * a list of text runs (NavigableString children, entity references decoded; comments count as text, being
 * NavigableStrings too) and elements, each element with its FIRST class (bs4 splits `class` on whitespace) and
 * its get_text() (all descendant text, tags removed). Unclosed elements run to the end of the input; a stray
 * closing tag is dropped but splits the text around it; void and self-closed elements (br, img, <x/>) have no
 * content. Checked against bs4 4.11 on the cases in test/fixtures/eval/metrics/sklearn_cases.json. A "<" that does not open a tag is text.
 * Not a general HTML parser: no scripts/styles, no implicit closing of <p>/<li>.
 */
export type TopLevelNode = { kind: "text"; text: string } | { kind: "element"; tag: string; className: string | undefined; text: string };

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };

export function decodeEntities(text: string): string {
    return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
        if (body.startsWith("#x") || body.startsWith("#X")) {
            return String.fromCodePoint(parseInt(body.slice(2), 16));
        }
        if (body.startsWith("#")) {
            return String.fromCodePoint(parseInt(body.slice(1), 10));
        }
        // html.parser via bs4 keeps an unknown named reference without its semicolon.
        return NAMED[body] ?? `&${body}`;
    });
}

const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/;
const ATTR = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function firstClass(attrs: string): string | undefined {
    ATTR.lastIndex = 0;
    for (let m = ATTR.exec(attrs); m !== null; m = ATTR.exec(attrs)) {
        if (m[1]!.toLowerCase() === "class") {
            const value = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
            return value.split(/\s+/).find((c) => c !== "");
        }
    }
    return undefined;
}

export function parseTopLevel(html: string): TopLevelNode[] {
    const nodes: TopLevelNode[] = [];
    let text = "";
    // Open elements below the top level (names), and the top-level element being filled.
    const stack: string[] = [];
    let current: { tag: string; className: string | undefined; text: string } | undefined;
    const flushText = (): void => {
        if (text !== "") {
            nodes.push({ kind: "text", text: decodeEntities(text) });
            text = "";
        }
    };
    let i = 0;
    while (i < html.length) {
        const ch = html[i]!;
        if (ch === "<" && html.startsWith("<!--", i)) {
            const end = html.indexOf("-->", i + 4);
            const body = html.slice(i + 4, end < 0 ? html.length : end);
            if (current === undefined) {
                flushText();
                nodes.push({ kind: "text", text: body });
            }
            i = end < 0 ? html.length : end + 3;
            continue;
        }
        const m = ch === "<" ? TAG.exec(html.slice(i, i + 4096)) : null;
        if (m === null) {
            if (current === undefined) {
                text += ch;
            } else {
                current.text += ch;
            }
            i++;
            continue;
        }
        i += m[0].length;
        const [, closing, rawName, attrs, selfClosing] = m;
        const name = rawName!.toLowerCase();
        const isVoid = VOID.has(name) || selfClosing === "/";
        if (closing === "/") {
            if (current === undefined) {
                // A stray closing tag at the top level still ends the current text node, as in bs4.
                flushText();
                continue;
            }
            const at = stack.lastIndexOf(name);
            if (at >= 0) {
                stack.length = at;
                if (at === 0 && current !== undefined) {
                    nodes.push({ kind: "element", tag: current.tag, className: current.className, text: decodeEntities(current.text) });
                    current = undefined;
                }
            }
            continue;
        }
        if (current === undefined) {
            flushText();
            current = { tag: name, className: firstClass(attrs ?? ""), text: "" };
            if (isVoid) {
                nodes.push({ kind: "element", tag: name, className: current.className, text: "" });
                current = undefined;
            } else {
                stack.push(name);
            }
        } else if (!isVoid) {
            stack.push(name);
        }
    }
    if (current !== undefined) {
        nodes.push({ kind: "element", tag: current.tag, className: current.className, text: decodeEntities(current.text) });
    }
    flushText();
    return nodes;
}
