"""The approval report (`clinicgen report`): one document an architect approves a practice's
plan from, as self-contained HTML (the network diagram as inline SVG) or as Markdown for a
pull-request comment (the diagram as a Mermaid block).

`build` gathers the content from the plan, the preview and the diff; `network` reads the
network the diagrams draw; `svg` and `mermaid` draw it; `render` writes either format.
"""
