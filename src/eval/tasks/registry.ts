/**
 * The task registry: every Me-LLaMA evaluation task by its lm-eval snake_case name, in the paper's table order.
 * Tasks are declarations (data plus pure functions); adding one means adding its folder and a line here.
 */
import { UnknownTaskError } from "../../errors/UnknownTaskError.js";
import type { Task } from "../api/Task.js";
import { pubmedqa } from "./pubmedqa/pubmedqa.js";

const TASKS: readonly Task[] = [
    pubmedqa,
];

const BY_NAME = new Map(TASKS.map((task) => [task.name, task]));

/** Registered task names, in the paper's order. */
export const TASK_NAMES: readonly string[] = TASKS.map((task) => task.name);

export function getTask(name: string): Task {
    const task = BY_NAME.get(name);
    if (task === undefined) {
        throw new UnknownTaskError(name, TASK_NAMES);
    }
    return task;
}

export function listTasks(): Task[] {
    return [...TASKS];
}
