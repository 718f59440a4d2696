/**
 * The task registry: every Me-LLaMA evaluation task by its lm-eval snake_case name, in the paper's table order.
 * Tasks are declarations (data plus pure functions); adding one means adding its folder and a line here.
 */
import { UnknownTaskError } from "../../errors/UnknownTaskError.js";
import type { Task } from "../api/Task.js";
import { bionli } from "./bionli/bionli.js";
import { ddi2013 } from "./ddi2013/ddi2013.js";
import { diagnosis, diagnosisCot } from "./diagnosis/diagnosis.js";
import { emrqa } from "./emrqa/emrqa.js";
import { hoc } from "./hoc/hoc.js";
import { i2b2 } from "./i2b2/i2b2.js";
import { medmcqa } from "./medmcqa/medmcqa.js";
import { mednli } from "./mednli/mednli.js";
import { medqa } from "./medqa/medqa.js";
import { mimicsum } from "./mimicsum/mimicsum.js";
import { mtsample } from "./mtsample/mtsample.js";
import { pubmedqa } from "./pubmedqa/pubmedqa.js";
import { pubmedsum } from "./pubmedsum/pubmedsum.js";
import { multipleChoiceVariant } from "./multipleChoice/multipleChoiceVariant.js";
import { perplexityFile, perplexityGeneral, perplexityMedical } from "./perplexity/perplexityTask.js";

const TASKS: readonly Task[] = [
    pubmedqa, medqa, medmcqa, emrqa, i2b2, ddi2013, hoc, mtsample, pubmedsum, mimicsum, bionli, mednli,
];

/**
 * The clinical case diagnosis study: registered, but not part of "all" (the benchmark suite), because it needs
 * the user's own cases (or runs on the shipped synthetic set) and is judged by a second model or clinicians.
 */
const CASE_TASKS: readonly Task[] = [diagnosis, diagnosisCot];

/** Log-likelihood variants (lm-eval multiple_choice) of the single-label classification tasks, in the paper's order. */
const MC_TASKS: readonly Task[] = [pubmedqa, medqa, medmcqa, ddi2013, bionli, mednli].map(multipleChoiceVariant);

/** Perplexity (loglikelihood_rolling): the built-in medical and general-domain sets, and any file. */
const PERPLEXITY_TASKS: readonly Task[] = [perplexityMedical, perplexityGeneral, perplexityFile];

const BY_NAME = new Map([...TASKS, ...CASE_TASKS, ...MC_TASKS, ...PERPLEXITY_TASKS].map((task) => [task.name, task]));

/** The multiple-choice variants ("mc"). */
export const MC_TASK_NAMES: readonly string[] = MC_TASKS.map((task) => task.name);

/** The built-in perplexity pair ("perplexity_builtin"): medical gain beside general-domain change. */
export const PERPLEXITY_BUILTIN_NAMES: readonly string[] = [perplexityMedical.name, perplexityGeneral.name];

/** Group names accepted in a task list: all (the 12 benchmark tasks), mc, perplexity_builtin. */
export const TASK_GROUPS: Readonly<Record<string, readonly string[]>> = {
    all: TASKS.map((task) => task.name), mc: MC_TASK_NAMES, perplexity_builtin: PERPLEXITY_BUILTIN_NAMES,
};

/** The benchmark tasks ("all"), in the paper's order. */
export const TASK_NAMES: readonly string[] = TASKS.map((task) => task.name);

/** The case-study tasks (diagnosis, diagnosis_cot). */
export const CASE_TASK_NAMES: readonly string[] = CASE_TASKS.map((task) => task.name);

export function getTask(name: string): Task {
    const task = BY_NAME.get(name);
    if (task === undefined) {
        throw new UnknownTaskError(name, [...BY_NAME.keys(), ...Object.keys(TASK_GROUPS)]);
    }
    return task;
}

export function listTasks(): Task[] {
    return [...TASKS];
}
