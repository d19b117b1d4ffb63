/** Small parsers that turn one environment string into a typed value, or explain why they cannot. */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "Fix the variables above (see .env.example for every variable and its default) and start again.",
    );
    this.name = "ConfigError";
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Collects problems instead of throwing at the first one, so a user sees every mistake at once. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === "" ? undefined : trimmed;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  secret(name: string): string | undefined {
    return this.raw(name);
  }

  integer(name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) {
      this.problems.push(`${name} must be a whole number, got "${value}"`);
      return fallback;
    }
    const parsed = Number(value);
    if (parsed < min || parsed > max) {
      const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
      this.problems.push(`${name} must be ${range}, got ${parsed}`);
      return fallback;
    }
    return parsed;
  }

  port(name: string, fallback: number): number {
    return this.integer(name, fallback, { min: 0, max: 65535 });
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (["1", "true", "yes", "on"].includes(value)) return true;
    if (["0", "false", "no", "off"].includes(value)) return false;
    this.problems.push(`${name} must be true or false, got "${value}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(", ")}, got "${value}"`);
    return fallback;
  }

  url(name: string, fallback?: string): string | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) return undefined;
    try {
      new URL(value);
      return value.replace(/\/+$/, "");
    } catch {
      this.problems.push(`${name} must be a URL such as https://host/path, got "${redactUrl(value)}"`);
      return fallback;
    }
  }

  /** A set of variables that only make sense together: all present or all absent. */
  allOrNone(names: readonly string[], purpose: string): boolean {
    const present = names.filter((n) => this.has(n));
    if (present.length === 0) return false;
    if (present.length === names.length) return true;
    const missing = names.filter((n) => !this.has(n));
    this.problems.push(`${purpose} needs ${names.join(", ")} together; missing: ${missing.join(", ")}`);
    return false;
  }

  problem(message: string): void {
    this.problems.push(message);
  }
}

/** Hides the password of a connection URL so it can be printed. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
