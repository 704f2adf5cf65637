"""axe-core inside the browser tests: `assert_accessible(page)` runs axe on the page as it stands and
fails on any critical or serious violation, listing each rule, its help and the offending nodes.

axe is read from node_modules (package.json's devDependencies, installed by `npm ci`), never copied
into the repository; the script is added as the content of a tag, so the page must come from a context made with
bypass_csp=True (the pages allow scripts from their own origin only).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

AXE = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


@lru_cache(maxsize=1)
def axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` (make vendor) to install axe-core")
    return AXE.read_text(encoding="utf-8")


def violations(page, *, impacts=BLOCKING) -> list[dict]:
    """axe's violations of the page (WCAG 2.x A/AA and best practices) of the given impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                      summary: n.failureSummary}))}));
    }""")
    return [v for v in result if v["impact"] in impacts]


def describe(found: list[dict], where: str = "") -> str:
    lines = [f"{len(found)} accessibility violation(s){' on ' + where if where else ''}:"]
    for v in found:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for n in v["nodes"][:8]:
            lines.append(f"    at {n['target']}: {n['html']}")
            if n["summary"]:
                lines.append("      " + n["summary"].replace("\n", "\n      "))
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page, where: str | None = None) -> None:
    """No critical or serious axe violation on the page."""
    found = violations(page)
    assert not found, describe(found, where or page.url)


def check_phone_page(page, report: list[str], where: str) -> None:
    """No wider than a 360 px phone (asserted), and axe's serious violations added to `report`
    (a test checks several pages, then asserts the report is empty)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{where} is wider than the phone"
    found = violations(page)
    if found:
        report.append(describe(found, where))
