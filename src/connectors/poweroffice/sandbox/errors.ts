/** An error the sandbox answers as a ProblemDetails body (lowercase keys, as in the vendor spec's examples). */
export class SandboxProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${status} ${title}: ${detail}`);
    this.name = "SandboxProblem";
  }

  body(instance: string): Record<string, unknown> {
    return {
      type: `https://tools.ietf.org/html/rfc9110#section-15.${this.status >= 500 ? "6" : "5"}.${(this.status % 100) + 1}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      instance,
    };
  }
}

export function validationProblem(entity: string, problems: string[]): SandboxProblem {
  return new SandboxProblem(400, `${entity} validation error(s)`, problems.join(" "));
}

export function notFound(entity: string, id: number | string): SandboxProblem {
  return new SandboxProblem(404, "Object(s) not found", `${entity} with id = ${id} not found.`);
}
