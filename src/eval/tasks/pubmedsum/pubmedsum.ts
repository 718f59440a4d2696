/**
 * PubMed summarization (Cohan et al. 2018): summarize an article into its abstract. Prompt byte for byte from
 * Me-LLaMA src/preprocess_instruct.py class PubmedSumm (l.396). Reads Me-LLaMA's {src, tgt} jsonl or the original
 * release's jsonl {article_id, article_text[], abstract_text["<S> … </S>"]}: sentences joined with a space, the
 * <S>/</S> markers removed.
 */
import type { Doc, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readJsonl } from "../../../util/readJsonl.js";
import type { BadRecord } from "../../loaders/recordErrors.js";
import { createSummarizationTask } from "../summarizationTask.js";

export function pubmedsumPrompt({ text }: { text: string }): string {
    return "***TASK***\nthe task is to summarize an input biomedical literature in six sentences\n\n"
        + "***INPUT***\nthe input is a biomedical literature\n\n"
        + "***OUTPUT***\nthe output is the summary of an input biomedical literature in six sentences\n\n"
        + "***DOCUMENTATION***\n\n***EXAMPLES***\n\n"
        + `Input: ${text}\nOutput:\n`;
}

function joined(value: unknown, stripMarkers: boolean): string | undefined {
    const parts = typeof value === "string" ? [value] : Array.isArray(value) && value.every((v) => typeof v === "string") ? value as string[] : undefined;
    if (parts === undefined) {
        return undefined;
    }
    const clean = stripMarkers ? parts.map((p) => p.replace(/<\/?S>/g, "").trim()) : parts;
    return clean.join(" ");
}

export function readPubmedsum(file: string, bad: BadRecord): Doc[] {
    const docs: Doc[] = [];
    for (const { line, value } of readJsonl(file, bad)) {
        const src = joined(value.src, false) ?? joined(value.article_text, false) ?? joined(value.article, false);
        const tgt = joined(value.tgt, false) ?? joined(value.abstract_text, true) ?? joined(value.abstract, false);
        if (src === undefined || tgt === undefined) {
            bad(line, "needs src/tgt, article_text/abstract_text or article/abstract");
            continue;
        }
        const id = typeof value.article_id === "string" ? value.article_id : String(docs.length);
        docs.push({ id: `pubmedsum-${id}`, query: pubmedsumPrompt({ text: src }), answer: tgt, choices: [], gold: -1 });
    }
    return docs;
}

export const pubmedsum: Task = createSummarizationTask({
    name: "pubmedsum",
    version: 1,
    description: "PubMed summarization test (6658 articles; not in the shared data): article to abstract; ROUGE-L and BERTScore.",
    fetchHint: "mellama data fetch pubmedsum",
    loadDocs: (options) => loadTaskDocs({
        task: "pubmedsum", fetchHint: "mellama data fetch pubmedsum", defaultPath: "pubmedsum/test.jsonl", read: readPubmedsum,
    }, options),
});
