/**
 * The examples of a markdown file, in document order: each operation of each ```graphql block (with the block's
 * fragments), and the shell blocks that edit the sandboxes through their admin surfaces (examples after them
 * depend on those edits, so they are steps a reader runs too).
 */
import fs from "node:fs";
import path from "node:path";
import { Kind, parse, print, type DocumentNode, type OperationTypeNode } from "graphql";

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface GraphqlStep {
  kind: "graphql";
  /** file:line and the start of the operation, to name it in a failure. */
  where: string;
  document: DocumentNode;
  operation: OperationTypeNode;
  /** The lines of the block the operation spans, comments included. */
  text: string;
}

export interface ShellStep {
  kind: "shell";
  where: string;
  script: string;
}

export type DocStep = GraphqlStep | ShellStep;

const CODE_BLOCK = /^```(\w*)\n([\s\S]*?)^```/gm;

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

export function docSteps(file: string): DocStep[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const steps: DocStep[] = [];
  for (const block of text.matchAll(CODE_BLOCK)) {
    const [, language, body] = block as unknown as [string, string, string];
    const bodyLine = lineOf(text, block.index!) + 1;
    if (language === "bash" && body.includes("/_admin/")) {
      steps.push({ kind: "shell", where: `${file}:${bodyLine - 1}: shell block`, script: body });
      continue;
    }
    if (language !== "graphql") continue;
    const document = parse(body);
    const lines = body.split("\n");
    const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const { startToken, endToken } = definition.loc!;
      const line = bodyLine + startToken.line - 1;
      steps.push({
        kind: "graphql",
        where: `${file}:${line}: ${print(definition).replace(/\s+/g, " ").slice(0, 70)}`,
        document: { kind: Kind.DOCUMENT, definitions: [definition, ...fragments] },
        operation: definition.operation,
        text: lines.slice(startToken.line - 1, endToken.line).join("\n"),
      });
    }
  }
  return steps;
}

export function graphqlSteps(file: string): GraphqlStep[] {
  return docSteps(file).filter((step): step is GraphqlStep => step.kind === "graphql");
}
