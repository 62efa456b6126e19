"""axe-core on a page the browser tests opened, and the alt text of every figure in an output.

axe-core comes with the PyPI package ``axe-playwright-python`` (its bundled ``axe.min.js`` is
injected into the page; nothing is fetched). ``audit(page, name)`` runs every axe rule over
``context`` (default: the whole page), writes each page's violations to
``test-artifacts/browser/axe.json`` and returns them with the images whose alt text is missing or
says nothing; ``problems()`` lists what fails: a critical or serious violation, or such an image.

In JupyterLab the context is the notebook's own content (its rendered markdown and outputs):
JupyterLab's menus and editor are not ours to fix; their count is recorded beside ours.
"""

from __future__ import annotations

import json

from _config import ARTIFACTS

FAILING = ("critical", "serious")
NOTEBOOK_CONTENT = {"include": [[".jp-OutputArea-output"], [".jp-MarkdownOutput"]]}

# Every <img> inside an output: its accessible name (alt, else aria-label, else title).
_IMAGES = """
() => Array.from(document.querySelectorAll('.jp-OutputArea-output img, .output_area img'))
  .filter(img => img.getBoundingClientRect().width > 0)
  .map(img => ({name: (img.getAttribute('alt') || img.getAttribute('aria-label')
                       || img.getAttribute('title') || '').trim(),
                alt: img.getAttribute('alt'), cls: img.className}))
"""

_SAYS_NOTHING = {"", "image", "figure", "chart", "plot", "png", "img", "picture", "graph"}


def meaningful(name: str) -> bool:
    """An alt that says what the figure shows: three words or more, not a file name or a URL."""
    words = name.split()
    return (name.lower() not in _SAYS_NOTHING and len(words) >= 3 and not name.startswith(("data:", "blob:"))
            and not name.lower().endswith((".png", ".jpg", ".svg")))


def _run_axe(page, context):
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, context=context, options={"resultTypes": ["violations"]}).response


_TEXT = "(s) => { const e = document.querySelector(s); return e ? e.innerText.slice(0, 60) : ''; }"


def _where(node, page) -> str:
    """The element (its last CSS step), its HTML's and text's start and, for contrast, the colours."""
    data = next((c.get("data") for c in node.get("any", []) if isinstance(c.get("data"), dict)), None) or {}
    colours = (f" {data['fgColor']} on {data['bgColor']} = {data['contrastRatio']}:1"
               if "contrastRatio" in data else "")
    text = page.evaluate(_TEXT, str(node["target"][-1])) if len(node["target"]) == 1 else ""
    return f"{str(node['target'][-1])[-80:]} {node.get('html', '')[:100]!r}{colours} text: {text!r}"


def audit(page, name: str, *, context=None) -> dict:
    """axe-core's violations on ``page`` (within ``context``) and its output images, recorded."""
    page.wait_for_timeout(500)  # the last widget views attach
    violations = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"],
                   "targets": [_where(n, page) for n in v["nodes"][:8]]}
                  for v in _run_axe(page, context)["violations"]]
    images = page.evaluate(_IMAGES)
    result = {"violations": violations, "images": len(images),
              "images_without_alt": [i for i in images if not meaningful(i["name"])]}
    if context is not None:  # the whole page too, for the record (JupyterLab's own UI)
        result["whole_page"] = {v["id"]: v["impact"] for v in _run_axe(page, None)["violations"]}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    file = ARTIFACTS / "axe.json"
    known = json.loads(file.read_text()) if file.is_file() else {}
    known[name] = result
    file.write_text(json.dumps(known, indent=1, sort_keys=True))
    return result


def problems(result: dict) -> list[str]:
    """What fails a page: a critical or serious violation, or an output image without a real alt."""
    found = [f"{v['impact']}: {v['id']} ({v['help']}) on {v['nodes']} element(s), e.g. {v['targets']}"
             for v in result["violations"] if v["impact"] in FAILING]
    found += [f"an output image without a meaningful alt: {i['name']!r} ({i['cls']})"
              for i in result["images_without_alt"]]
    return found


def check(page, name: str, *, context=None) -> None:
    """``audit``, then fail naming every critical or serious violation and every image without alt."""
    found = problems(audit(page, name, context=context))
    assert not found, f"axe-core on {name}:\n" + "\n".join(found)
