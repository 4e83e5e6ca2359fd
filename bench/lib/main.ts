/**
 * Runs a bench command's main and exits with its code (0 when it returns nothing): child
 * servers and Redis handles must not keep the process alive, and a failure prints its stack.
 */
export function runMain(name: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      process.stderr.write(`${name}: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
