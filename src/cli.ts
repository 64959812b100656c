import { runCommandLine } from './cli/commandLine.js';

runCommandLine(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  error: (message) => console.error(message),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
