// Mermaid's own parser (the npm package), as GitHub's renderer runs it before drawing: reads
// the Mermaid diagram in each file named on the command line and prints, one line each, what
// it parsed as JSON ({"diagramType", "nodes": [{"id", "text"}], "subgraphs": [{"id",
// "title", "nodes"}], "edges": [{"from", "to", "text"}]}) with entity codes (#60;, #quot;)
// resolved to the characters a reader sees; at the first diagram that does not parse it
// prints the file and the parser's error on stderr and exits 1. Used by
// tests/report/test_mermaid.py.
//
// Mermaid's sanitiser (DOMPurify) needs a DOM, which node has not: jsdom provides one, as a
// global window set before Mermaid (and so DOMPurify) is first imported.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

// Mermaid hides entity codes from its grammar as these markers and restores them when it
// draws (mermaidAPI encodeEntities/decodeEntities): resolve them as the drawing would read.
function shown(text) {
  return String(text ?? "")
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/ﬂ°(\w+)¶ß/g, (_, name) => {
      const element = window.document.createElement("span");
      element.innerHTML = `&${name};`;
      return element.textContent;
    });
}

for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, "utf8");
  try {
    const { diagramType } = await mermaid.parse(text);
    const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
    console.log(
      JSON.stringify({
        diagramType,
        nodes: [...db.getVertices().values()].map((v) => ({ id: v.id, text: shown(v.text) })),
        subgraphs: db
          .getSubGraphs()
          .map((s) => ({ id: s.id, title: shown(s.title), nodes: s.nodes })),
        edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, text: shown(e.text) })),
      }),
    );
  } catch (error) {
    console.error(`${path}: ${String(error.message ?? error)}`);
    process.exit(1);
  }
}
