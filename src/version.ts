// Replaced at build time would be nicer; kept literal so `--version` reads no file.
export const VERSION = '0.1.0';
