/**
 * The reference kernel set: plain TypeScript, single-threaded, the definition of correct that every other set
 * is checked against (test/kernels/conformance.ts) and the debugging switch (`--kernels=reference`).
 */
import type { KernelSet } from "../KernelSet.js";
import { attentionBackward, attentionForward } from "./attention.js";
import { crossEntropyForwardBackward } from "./crossEntropy.js";
import { referenceDecodeKernels } from "./decode.js";
import { addInPlace, adamwUpdate, sumSquares } from "./elementwise.js";
import { encoderBackward, encoderForward } from "./encoder.js";
import { matmulBackward, matmulForward } from "./matmul.js";
import { rmsnormBackward, rmsnormForward } from "./rmsnorm.js";
import { ropeBackward, ropeForward } from "./rope.js";
import { swigluBackward, swigluForward } from "./swiglu.js";

export const referenceKernels: KernelSet = {
    name: "reference",
    threads: 1,
    matmulForward, matmulBackward, encoderForward, encoderBackward, rmsnormForward, rmsnormBackward,
    ropeForward, ropeBackward, attentionForward, attentionBackward, swigluForward, swigluBackward,
    addInPlace, crossEntropyForwardBackward, adamwUpdate, sumSquares,
    ...referenceDecodeKernels,
    dispose: () => undefined,
};
