/**
 * MIMIC-CXR summarization: derive a radiology report's impression from its findings. Prompt byte for byte from
 * Me-LLaMA src/preprocess_instruct.py class MIMIC_SUM (l.686), with the 4-space indents and the trailing
 * "    " after OUTPUT:. Reads jsonl {study_id?, findings: [..] | "..", impression: [..] | ".."}; lists are
 * joined with a space as Me-LLaMA does.
 */
import type { Doc, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readJsonl } from "../../../util/readJsonl.js";
import type { BadRecord } from "../../loaders/recordErrors.js";
import { createSummarizationTask } from "../summarizationTask.js";

export function mimicsumPrompt({ findings }: { findings: string }): string {
    return `Derive the impression from findings in the radiology report.\n    INPUT: ${findings}\n    OUTPUT:\n    `;
}

function joined(value: unknown): string | undefined {
    if (typeof value === "string") {
        return value;
    }
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value.join(" ") : undefined;
}

export function readMimicsum(file: string, bad: BadRecord): Doc[] {
    const docs: Doc[] = [];
    for (const { line, value } of readJsonl(file, bad)) {
        const findings = joined(value.findings);
        const impression = joined(value.impression);
        if (findings === undefined || impression === undefined) {
            bad(line, "needs findings and impression (strings or lists of strings)");
            continue;
        }
        const rawId = value.study_id ?? value.id;
        const id = typeof rawId === "string" || typeof rawId === "number" ? String(rawId) : String(docs.length);
        docs.push({ id: `mimicsum-${id}`, query: mimicsumPrompt({ findings }), answer: impression, choices: [], gold: -1 });
    }
    return docs;
}

export const mimicsum: Task = createSummarizationTask({
    name: "mimicsum",
    version: 1,
    description: "MIMIC-CXR report summarization (credentialed; 1606 test reports): findings to impression; ROUGE-L and BERTScore.",
    fetchHint: "mellama data fetch mimicsum",
    loadDocs: (options) => loadTaskDocs({
        task: "mimicsum", fetchHint: "mellama data fetch mimicsum", defaultPath: "mimicsum/test.jsonl", read: readMimicsum,
    }, options),
});
