import { runCli } from './program.ts';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`chorus: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
