/**
 * Streaming XML readers (saxes, one chunk at a time, so memory stays flat whatever the file size):
 *   pubmed-xml  MEDLINE/PubMed baseline (.xml or .xml.gz): PMID, ArticleTitle + AbstractText, year, language
 *   pmc-jats    PMC open-access JATS articles (.xml/.nxml, a file or a directory tree): title, abstract and body
 *               sections; references, tables, figures, formulas and citation markers are left out
 * Malformed XML is reported by file and line through `onBad` (never the text) and the rest of that file is
 * skipped, since a streaming parser cannot resynchronise; documents before the fault are kept. A truncated .gz
 * is a FormatError naming the file and how many bytes it decompressed.
 */
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import type { SaxesTagPlain } from "saxes";
import { FormatError } from "../errors/MellamaError.js";
import type { BadRecord, Document } from "./readers.js";

interface XmlHandlers {
    open(tag: SaxesTagPlain, line: number): void;
    text(text: string): void;
    close(name: string): Document | null;
}

/** `onBytes`: told the size of each chunk read from the file (compressed bytes for .gz), for progress. */
export function openMaybeGzip(path: string, onBytes?: (n: number) => void): NodeJS.ReadableStream {
    const stream = createReadStream(path);
    if (onBytes !== undefined) {
        // A 'data' listener sees every chunk whichever way the stream is consumed (piped, iterated, readline).
        stream.on("data", (chunk: string | Buffer) => onBytes(chunk.length));
    }
    return path.endsWith(".gz") ? stream.pipe(createGunzip()) : stream;
}

async function* streamXml(path: string, handlers: XmlHandlers, onBad: BadRecord, onBytes?: (n: number) => void): AsyncGenerator<Document> {
    // Loaded on first use: every corpus build imports this module (openMaybeGzip), few read XML.
    const { SaxesParser } = await import("saxes");
    const parser = new SaxesParser();
    const queue: Document[] = [];
    parser.on("opentag", (tag) => handlers.open(tag, parser.line));
    parser.on("text", (t) => handlers.text(t));
    parser.on("cdata", (t) => handlers.text(t));
    parser.on("closetag", (tag) => {
        const doc = handlers.close(tag.name);
        if (doc) {
            queue.push(doc);
        }
    });
    // A chunk boundary may cut a multi-byte character; the decoder carries the partial bytes over.
    const decoder = new StringDecoder("utf8");
    let bytes = 0;
    let xmlOk = true;
    const feed = (s: string): void => {
        if (!xmlOk) {
            return;
        }
        try {
            parser.write(s);
        } catch (error) {
            xmlOk = false;
            // saxes messages are "line:col: reason" and carry no document text.
            const reason = String((error as Error).message).split("\n")[0]!.replace(/^.*?:\d+:\d+: /, "");
            onBad({ file: path, line: parser.line, reason: `malformed XML (${reason}); rest of the file skipped` });
        }
    };
    try {
        for await (const chunk of openMaybeGzip(path, onBytes) as AsyncIterable<Buffer>) {
            bytes += chunk.length;
            feed(decoder.write(chunk));
            yield* queue.splice(0);
            if (!xmlOk) {
                return;
            }
        }
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "Z_BUF_ERROR" || code === "Z_DATA_ERROR" || /unexpected end/i.test(String(error))) {
            throw new FormatError(path, "gzip", `truncated or corrupt after ${bytes} decompressed bytes`);
        }
        throw new FormatError(path, "read", `cannot read (${code ?? String(error)})`);
    }
    feed(decoder.end());
    if (xmlOk) {
        try {
            parser.close();
        } catch (error) {
            onBad({ file: path, line: parser.line, reason: `malformed XML at the end of the file (${String((error as Error).message).split("\n")[0]!.replace(/^.*?:\d+:\d+: /, "")})` });
        }
    }
    yield* queue.splice(0);
}

export function readPubmedXml(path: string, exclude: ReadonlySet<string> | undefined, onBad: BadRecord,
    onBytes?: (n: number) => void): AsyncGenerator<Document> {
    const stack: string[] = [];
    let pmid = "";
    let title = "";
    let abstract: string[] = [];
    let year: number | undefined;
    let language: string | undefined;
    let text = "";
    let articleLine = 0;
    return streamXml(path, {
        open(tag, line) {
            stack.push(tag.name);
            if (tag.name === "PubmedArticle") {
                pmid = ""; title = ""; abstract = []; year = undefined; language = undefined; articleLine = line;
            }
            text = "";
        },
        text(t) {
            text += t;
        },
        close(name) {
            stack.pop();
            const parent = stack[stack.length - 1];
            if (name === "PMID" && parent === "MedlineCitation") {
                pmid = text.trim();
            } else if (name === "ArticleTitle") {
                title = text.trim();
            } else if (name === "AbstractText") {
                abstract.push(text.trim());
            } else if (name === "Language" && language === undefined) {
                language = text.trim();
            } else if (name === "Year" && year === undefined && (parent === "PubDate" || parent === "ArticleDate")) {
                const y = Number(text.trim());
                year = Number.isInteger(y) ? y : undefined;
            } else if (name === "PubmedArticle") {
                if (pmid === "") {
                    onBad({ file: path, line: articleLine, reason: "PubmedArticle without a PMID" });
                } else if (!(exclude?.has(pmid) ?? false) && (title || abstract.length)) {
                    return { id: pmid, text: [title, ...abstract].filter(Boolean).join("\n"), year, language };
                }
            }
            return null;
        },
    }, onBad, onBytes);
}

/** Elements whose whole subtree is left out of JATS text (not running prose). */
const JATS_SKIP = new Set(["ref-list", "table-wrap", "table", "fig", "fig-group", "disp-formula", "inline-formula", "xref",
    "supplementary-material", "back", "fn-group", "ack", "graphic", "media", "object-id", "label"]);
/** Elements that end a paragraph-like block in the output. */
const JATS_BLOCK = new Set(["p", "title", "article-title", "list-item", "abstract", "sec"]);

export function readJats(path: string, exclude: ReadonlySet<string> | undefined, onBad: BadRecord, onBytes?: (n: number) => void): AsyncGenerator<Document> {
    let skipDepth = 0;
    let inFront = false;
    let inBody = false;
    let inAbstract = false;
    let articleIdType: string | undefined;
    let ids: Record<string, string> = {};
    let idText = "";
    let blocks: string[] = [];
    let current = "";
    let year: number | undefined;
    let yearText: string | undefined;
    let language: string | undefined;
    let inTitle = false;
    const capturing = (): boolean => skipDepth === 0 && (inBody || inAbstract || inTitle);
    return streamXml(path, {
        open(tag) {
            const name = tag.name;
            if (skipDepth > 0 || JATS_SKIP.has(name)) {
                skipDepth++;
                return;
            }
            if (name === "article") {
                ids = {}; blocks = []; current = ""; year = undefined; language = tag.attributes["xml:lang"];
            } else if (name === "front") {
                inFront = true;
            } else if (name === "body") {
                inBody = true;
            } else if (name === "abstract") {
                inAbstract = true;
            } else if (name === "article-title" && inFront) {
                inTitle = true;
            } else if (name === "article-id") {
                articleIdType = tag.attributes["pub-id-type"]; idText = "";
            } else if (name === "year") {
                yearText = "";
            }
        },
        text(t) {
            if (skipDepth > 0) {
                return;
            }
            if (articleIdType !== undefined) {
                idText += t;
            }
            if (yearText !== undefined) {
                yearText += t;
            }
            if (inBody || inAbstract || inTitle) {
                current += t;
            }
        },
        close(name) {
            if (skipDepth > 0) {
                skipDepth--;
                return null;
            }
            if (JATS_BLOCK.has(name) && capturing()) {
                const block = current.replace(/\s+/g, " ").trim();
                if (block) {
                    blocks.push(block);
                }
                current = "";
            }
            if (name === "article-id" && articleIdType !== undefined) {
                ids[articleIdType] = idText.trim();
                articleIdType = undefined;
            } else if (name === "year" && yearText !== undefined) {
                const y = Number(yearText.trim());
                year ??= Number.isInteger(y) && y > 0 ? y : undefined;
                yearText = undefined;
            } else if (name === "article-title") {
                inTitle = false;
            } else if (name === "front") {
                inFront = false;
            } else if (name === "body") {
                inBody = false;
            } else if (name === "abstract") {
                inAbstract = false;
            } else if (name === "article") {
                const raw = ids.pmcid ?? ids.pmc ?? ids["pmc-uid"] ?? ids.pmid ?? basename(path).replace(/\.n?xml$/, "");
                const id = raw.startsWith("PMC") || !/^\d+$/.test(raw) || ids.pmcid === undefined && ids.pmc === undefined && ids["pmc-uid"] === undefined ? raw : `PMC${raw}`;
                if (!(exclude?.has(id) ?? false) && blocks.length > 0) {
                    return { id, text: blocks.join("\n"), year, language };
                }
            }
            return null;
        },
    }, onBad, onBytes);
}
