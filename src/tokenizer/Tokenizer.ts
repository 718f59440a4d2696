/**
 * Tokenizer: what the rest of mellama codes against (corpus packing, training, inference, evaluation).
 * Implementations: SentencePieceBpe (LLaMA-2's tokenizer.model / tokenizer.json).
 */
export interface Tokenizer {
    readonly vocabSize: number;
    readonly bosId: number;
    readonly eosId: number;
    readonly padId: number | null;
    readonly unkId: number;
    /** Ids of the text; BOS/EOS only when asked (defaults false, as sentencepiece's encode). */
    encode(text: string, options?: { bos?: boolean; eos?: boolean }): number[];
    /** Text of the ids; control tokens produce nothing, byte pieces are decoded as UTF-8. */
    decode(ids: readonly number[]): string;
    idToPiece(id: number): string;
    pieceToId(piece: string): number | undefined;
    /** A stable hash of the vocabulary and its scores, to tie shards and checkpoints to their tokenizer. */
    readonly hash: string;
}

/** SentencePiece piece types (sentencepiece_model.proto). */
export enum PieceType {
    NORMAL = 1,
    UNKNOWN = 2,
    CONTROL = 3,
    USER_DEFINED = 4,
    UNUSED = 5,
    BYTE = 6,
}

export interface Piece {
    piece: string;
    score: number;
    type: PieceType;
}
