// The tests that legitimately differ under any debugger, each with the reason. A known pdap defect
// never goes here: the suite shows it until it is fixed.
import type { ModeName } from "./modes/mode.js";

export interface DeclaredException {
  /** a test id, or a glob over ids ("test.test_sys_settrace.*") */
  test: string;
  /** only on these versions / backends / modes; all when absent */
  versions?: string[];
  backends?: Array<"monitoring" | "settrace">;
  modes?: ModeName[];
  reason: string;
}

export const EXCEPTIONS: DeclaredException[] = [];

export interface RunContext {
  version: string;
  backend: "monitoring" | "settrace";
  mode: ModeName;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

const compiled = new Map<DeclaredException, RegExp>();

/** The declared exception that covers this test in this run, if one does. */
export function exceptionFor(id: string, context: RunContext): DeclaredException | undefined {
  return EXCEPTIONS.find((entry) => {
    if (entry.versions && !entry.versions.includes(context.version)) return false;
    if (entry.backends && !entry.backends.includes(context.backend)) return false;
    if (entry.modes && !entry.modes.includes(context.mode)) return false;
    let pattern = compiled.get(entry);
    if (!pattern) {
      pattern = globToRegExp(entry.test);
      compiled.set(entry, pattern);
    }
    return pattern.test(id);
  });
}
