import { MellamaError } from "./MellamaError.js";

/**
 * A token id outside the tokenizer's vocabulary was given to decode or idToPiece: usually a model whose vocab_size
 * is larger than its tokenizer's, or ids from another tokenizer. Extends RangeError's meaning with a stable code.
 */
export class TokenIdError extends MellamaError {
    public constructor(public readonly id: number, public readonly vocabSize: number) {
        super("TOKEN_ID", `token id ${id} is outside the vocabulary (0..${vocabSize - 1}); check that the model and the tokenizer belong together`);
    }
}
