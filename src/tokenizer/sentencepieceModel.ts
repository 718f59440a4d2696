/**
 * SentencePiece's ModelProto (tokenizer.model): the pieces with scores and types, and the trainer and normalizer
 * specs fields a LLaMA-2 tokenizer needs. Unknown fields of the specs are kept as raw bytes and written back, so
 * a model read and written again stays loadable by sentencepiece. Hostile sizes are refused before allocating.
 */
import { FormatError } from "../errors/MellamaError.js";
import { type ProtoField, ProtoWriter, fieldFloat, fieldInt32, fieldString, readFields, WIRE_LEN } from "./protobuf.js";
import { type Piece, PieceType } from "./Tokenizer.js";

export interface TrainerSpecFields {
    modelType: number;
    vocabSize: number;
    byteFallback: boolean;
    splitDigits: boolean;
    unkId: number;
    bosId: number;
    eosId: number;
    padId: number;
    /** Every other field, untouched. */
    raw: ProtoField[];
}

export interface NormalizerSpecFields {
    name: string;
    addDummyPrefix: boolean;
    removeExtraWhitespaces: boolean;
    escapeWhitespaces: boolean;
    /** A precompiled charsmap means a normalization (e.g. nmt_nfkc) this reader applies as Unicode NFKC. */
    hasCharsmap: boolean;
    raw: ProtoField[];
}

export interface SentencePieceModel {
    pieces: Piece[];
    trainer: TrainerSpecFields;
    normalizer: NormalizerSpecFields;
}

/** More pieces than any real vocabulary (LLaMA-2: 32000; the largest public ones ~256K): refuse beyond. */
export const MAX_PIECES = 4_000_000;

export function parseSentencePieceModel(buf: Uint8Array, file: string): SentencePieceModel {
    if (buf.length === 0) {
        throw new FormatError(file, "ModelProto", "the file is empty");
    }
    const fields = readFields(buf, file, "ModelProto");
    const pieces: Piece[] = [];
    let trainerField: ProtoField | undefined;
    let normalizerField: ProtoField | undefined;
    for (const f of fields) {
        if (f.number === 1 && f.wire === WIRE_LEN) {
            if (pieces.length >= MAX_PIECES) {
                throw new FormatError(file, "pieces", `more than ${MAX_PIECES} pieces`);
            }
            const ctx = `pieces[${pieces.length}]`;
            let piece: string | undefined;
            let score = 0;
            let type = PieceType.NORMAL;
            for (const p of readFields(f.bytes, file, ctx)) {
                if (p.number === 1) {
                    piece = fieldString(p, file, `${ctx}.piece`);
                } else if (p.number === 2) {
                    score = fieldFloat(p, file, `${ctx}.score`);
                } else if (p.number === 3) {
                    if (!(p.varint >= 1 && p.varint <= 6)) {
                        throw new FormatError(file, `${ctx}.type`, `unknown piece type ${p.varint}`);
                    }
                    type = p.varint as PieceType;
                }
            }
            if (piece === undefined) {
                throw new FormatError(file, `${ctx}.piece`, "missing");
            }
            pieces.push({ piece, score, type });
        } else if (f.number === 2) {
            trainerField = f;
        } else if (f.number === 3) {
            normalizerField = f;
        } else if (f.wire !== WIRE_LEN && f.number <= 5) {
            throw new FormatError(file, `ModelProto.${f.number}`, "has the wrong wire type");
        }
    }
    if (pieces.length === 0) {
        throw new FormatError(file, "pieces", "the model has no pieces (not a SentencePiece model?)");
    }
    const trainer: TrainerSpecFields = { modelType: 1, vocabSize: pieces.length, byteFallback: false,
        splitDigits: false, unkId: 0, bosId: 1, eosId: 2, padId: -1, raw: [] };
    for (const f of trainerField === undefined ? [] : readFields(trainerField.bytes, file, "trainer_spec")) {
        switch (f.number) {
            case 3: trainer.modelType = f.varint; break;
            case 4: trainer.vocabSize = fieldInt32(f); break;
            case 35: trainer.byteFallback = f.varint !== 0; break;
            case 25: trainer.splitDigits = f.varint !== 0; break;
            case 40: trainer.unkId = fieldInt32(f); break;
            case 41: trainer.bosId = fieldInt32(f); break;
            case 42: trainer.eosId = fieldInt32(f); break;
            case 43: trainer.padId = fieldInt32(f); break;
            default: trainer.raw.push(f);
        }
    }
    const normalizer: NormalizerSpecFields = { name: "identity", addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true, hasCharsmap: false, raw: [] };
    for (const f of normalizerField === undefined ? [] : readFields(normalizerField.bytes, file, "normalizer_spec")) {
        switch (f.number) {
            case 1: normalizer.name = fieldString(f, file, "normalizer_spec.name"); break;
            case 2: normalizer.hasCharsmap = f.bytes.length > 0; normalizer.raw.push(f); break;
            case 3: normalizer.addDummyPrefix = f.varint !== 0; break;
            case 4: normalizer.removeExtraWhitespaces = f.varint !== 0; break;
            case 5: normalizer.escapeWhitespaces = f.varint !== 0; break;
            default: normalizer.raw.push(f);
        }
    }
    if (trainer.modelType !== 2) {
        throw new FormatError(file, "trainer_spec.model_type", `${trainer.modelType} is not BPE (2); only BPE models (LLaMA-2) are supported`);
    }
    for (const [field, id] of [["unk_id", trainer.unkId], ["bos_id", trainer.bosId], ["eos_id", trainer.eosId]] as const) {
        if (id >= pieces.length) {
            throw new FormatError(file, `trainer_spec.${field}`, `${id} is outside the ${pieces.length} pieces`);
        }
    }
    return { pieces, trainer, normalizer };
}

function writeRaw(w: ProtoWriter, f: ProtoField): void {
    if (f.wire === WIRE_LEN) {
        w.bytes(f.number, f.bytes);
    } else if (f.wire === 5) {
        w.float(f.number, new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true));
    } else {
        w.uint(f.number, f.varint);
    }
}

export function serializeSentencePieceModel(model: SentencePieceModel): Uint8Array {
    const w = new ProtoWriter();
    for (const p of model.pieces) {
        const pw = new ProtoWriter().string(1, p.piece).float(2, p.score);
        if (p.type !== PieceType.NORMAL) {
            pw.uint(3, p.type);
        }
        w.bytes(1, pw.finish());
    }
    const t = model.trainer;
    const tw = new ProtoWriter().uint(3, t.modelType).uint(4, t.vocabSize).bool(25, t.splitDigits).bool(35, t.byteFallback)
        .uint(40, t.unkId).uint(41, t.bosId).uint(42, t.eosId).uint(43, t.padId);
    for (const f of t.raw) {
        writeRaw(tw, f);
    }
    w.bytes(2, tw.finish());
    const n = model.normalizer;
    const nw = new ProtoWriter().string(1, n.name).bool(3, n.addDummyPrefix).bool(4, n.removeExtraWhitespaces).bool(5, n.escapeWhitespaces);
    for (const f of n.raw) {
        writeRaw(nw, f);
    }
    w.bytes(3, nw.finish());
    return w.finish();
}
