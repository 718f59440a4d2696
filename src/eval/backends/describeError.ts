/**
 * The message recorded for a failed request. Only the error's class and its own message are kept (backend errors
 * name status codes and fields, never prompt text); capped so a server echoing a long body cannot flood logs.
 */
export function describeError(error: unknown): string {
    const message = error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
    return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}
