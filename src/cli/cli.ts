import { CommanderError } from 'commander';
import { EXIT_USAGE } from './exit-codes.js';
import { buildProgram } from './program.js';

/** The `warroom` entry point (bin/warroom.js loads its bundle, dist/cli.js): parses argv and runs the command. */
async function main(argv: string[]) {
  // `warroom list | head`: the reader went away; stop quietly instead of printing a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      if (e.exitCode !== 0 && process.argv.includes('--json'))
        process.stdout.write(`${JSON.stringify({ error: { code: 'VALIDATION', message: e.message.replace(/^error: /, '') } })}\n`);
      return;
    }
    throw e;
  }
}

await main(process.argv);
