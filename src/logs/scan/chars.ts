/**
 * The character codes the scanner compares (latin1 text: a code is a byte). A const enum: the
 * build (esbuild) writes each use as its number, so the hot loops compare literals as before.
 * The AssemblyScript in wasm/json-lines.ts names the same bytes for itself.
 */
export const enum Ch {
  Tab = 0x09,
  Lf = 0x0a,
  Cr = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Hash = 0x23,
  Plus = 0x2b,
  Minus = 0x2d,
  Dot = 0x2e,
  Slash = 0x2f,
  Digit0 = 0x30,
  Digit9 = 0x39,
  Colon = 0x3a,
  Question = 0x3f,
  UpperA = 0x41,
  UpperD = 0x44,
  UpperE = 0x45,
  UpperF = 0x46,
  UpperG = 0x47,
  UpperP = 0x50,
  UpperT = 0x54,
  UpperZ = 0x5a,
  Backslash = 0x5c,
  Underscore = 0x5f,
  LowerA = 0x61,
  LowerD = 0x64,
  LowerE = 0x65,
  LowerF = 0x66,
  LowerG = 0x67,
  LowerI = 0x69,
  LowerN = 0x6e,
  LowerR = 0x72,
  LowerW = 0x77,
  LowerZ = 0x7a,
  LeftBrace = 0x7b,
  RightBrace = 0x7d,
  Tilde = 0x7e,
}

/** ASCII case: OR-ing Lower into a letter gives its lower case, AND-ing Upper its upper case. */
export const enum Case {
  Lower = 0x20,
  Upper = 0xdf,
}
