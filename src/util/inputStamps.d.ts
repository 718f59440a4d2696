/** Input path → [size, mtimeMs]. */
export type InputStamps = Record<string, [number, number]>;
export declare function stampInputs(base: string, inputs: Iterable<string>): InputStamps;
export declare function inputsUnchanged(stamps: InputStamps): boolean;
