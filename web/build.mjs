// Builds the front end into OUT (default ../build/web): type-checks every TypeScript file, bundles
// the dashboard and the widget with esbuild (no CDN at run time: Chart.js is in the bundle), and
// copies the pages. Run by CMake (web/CMakeLists.txt) on every build whose inputs changed.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "..", "build", "web"));

// tsc checks the types (esbuild only strips them); a type error fails the build.
execFileSync(process.execPath, [join(here, "node_modules", "typescript", "bin", "tsc"), "-p", here], {
  stdio: "inherit",
});

mkdirSync(out, { recursive: true });
cpSync(join(here, "pages"), out, { recursive: true });
await build({
  entryPoints: {
    "dashboard/app": join(here, "src", "dashboard", "main.ts"),
    "widget/widget": join(here, "src", "widget", "main.ts"),
  },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: "es2020",
  legalComments: "linked",
  logLevel: "warning",
});
console.log(`web: built into ${out}`);
