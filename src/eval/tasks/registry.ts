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

const TASKS: readonly Task[] = [
    pubmedqa, medqa, medmcqa, emrqa, i2b2, ddi2013, hoc, mtsample, pubmedsum, mimicsum, bionli, mednli,
];

/**
 * The clinical case diagnosis study: registered, but not part of "all" (the benchmark suite), because it needs
 * the user's own cases (or runs on the shipped synthetic set) and is judged by a second model or clinicians.
 */
const CASE_TASKS: readonly Task[] = [diagnosis, diagnosisCot];

const BY_NAME = new Map([...TASKS, ...CASE_TASKS].map((task) => [task.name, task]));

/** The benchmark tasks ("all"), in the paper's order. */
export const TASK_NAMES: readonly string[] = TASKS.map((task) => task.name);

/** The case-study tasks (diagnosis, diagnosis_cot). */
export const CASE_TASK_NAMES: readonly string[] = CASE_TASKS.map((task) => task.name);

export function getTask(name: string): Task {
    const task = BY_NAME.get(name);
    if (task === undefined) {
        throw new UnknownTaskError(name, [...TASK_NAMES, ...CASE_TASK_NAMES]);
    }
    return task;
}

export function listTasks(): Task[] {
    return [...TASKS];
}
