/**
 * Backends for tests and demos, no model involved: `echo` returns the prompt's last line, `constant` always the
 * same text, `oracle` the gold answer of the doc whose query the prompt ends with (as the task's parser expects
 * it), so a correct harness scores 1.0 with it. Not for evaluating anything.
 */
import type { LM } from "../api/LM.js";
import type { Doc } from "../api/Task.js";
import { lmFromGenerator } from "./lmFromGenerator.js";

export function createEchoLM(): LM {
    return lmFromGenerator("echo", (prompt) => {
        const lines = prompt.trimEnd().split("\n");
        return Promise.resolve(lines[lines.length - 1] ?? "");
    });
}

export function createConstantLM(text: string): LM {
    return lmFromGenerator(`constant:${text}`, () => Promise.resolve(text));
}

/** How the gold of a doc is said so the task's paper parser reads it back (HoC: labels "; "-separated). */
export function oracleAnswer(task: string, doc: Doc): string {
    return task === "hoc" ? doc.answer.split(";").join("; ") : doc.answer;
}

const KEY_CHARS = 256;

/**
 * The oracle knows the docs of the tasks it is asked about; a prompt (few-shot examples and the model-prompt
 * wrapper around it) is matched by the request's docId, else to the doc whose query it ends with (indexed by
 * the query's last characters).
 */
export function createOracleLM(docsByTask: ReadonlyMap<string, readonly Doc[]>): LM {
    const index = new Map<string, { query: string; answer: string }[]>();
    const byId = new Map<string, string>();
    for (const [task, docs] of docsByTask) {
        for (const doc of docs) {
            byId.set(`${task}/${doc.id}`, oracleAnswer(task, doc));
            const key = doc.query.slice(-KEY_CHARS);
            const list = index.get(key) ?? [];
            list.push({ query: doc.query, answer: oracleAnswer(task, doc) });
            index.set(key, list);
        }
    }
    const lengths = [...new Set([...index.keys()].map((k) => k.length))];
    return lmFromGenerator("oracle", (prompt, { docId }) => {
        const known = docId === undefined ? undefined : byId.get(docId);
        if (known !== undefined) {
            return Promise.resolve(known);
        }
        const body = prompt.endsWith(WRAPPER_SUFFIX) ? prompt.slice(0, -WRAPPER_SUFFIX.length) : prompt;
        for (const length of lengths) {
            const hit = index.get(body.slice(-length))?.find((d) => body.endsWith(d.query));
            if (hit !== undefined) {
                return Promise.resolve(hit.answer);
            }
        }
        return Promise.reject(new Error("oracle: prompt matches no known doc"));
    });
}

/** The end of Me-LLaMA's mellama_prompt wrapper, stripped before matching. */
const WRAPPER_SUFFIX = "\n\nAssistant: \n";
