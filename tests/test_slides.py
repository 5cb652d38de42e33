import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from servers import browser_page, need_chromium, screenshot

from rnncourse.course.slides import build, slide_type


def test_headings_start_slides():
    assert slide_type(new_markdown_cell("# 08 · Title\ntext")) == "slide"
    assert slide_type(new_markdown_cell("\n## A section")) == "slide"
    assert slide_type(new_markdown_cell("### A subsection")) == "subslide"
    assert slide_type(new_markdown_cell("Plain text with ## inside")) == "-"
    assert slide_type(new_code_cell("## a comment in code")) == "-"


def _tiny_notebook(path):
    """A three-cell notebook: title slide, a second slide with maths and a printed line."""
    nb = new_notebook(cells=[
        new_markdown_cell("# Offline deck\n\nThis deck loads nothing from the network."),
        new_markdown_cell("## The recurrence\n\n$$h_t = \\tanh(x_t W_x + h_{t-1} W_h + b)$$"),
        new_code_cell("print('hello from the kernel')"),
    ])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_deck_works_offline_in_chromium(tmp_path):
    """A built deck, opened from file:// with every network request aborted, renders its
    slides (maths typeset by the local MathJax) and moves on with the arrow key."""
    need_chromium()
    deck = build(_tiny_notebook(tmp_path / "tiny.ipynb"), tmp_path / "slides")
    assert (tmp_path / "slides" / "assets" / "reveal.js" / "dist" / "reveal.js").is_file()
    html = deck.read_text()
    assert not re.search(r"""(src|href)=["']https?:""", html), "the deck links to the network"

    aborted, failed, errors = [], [], []
    with browser_page(viewport=(1280, 800)) as page:
        def offline(route):
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                aborted.append(route.request.url)
                route.abort()
        page.route("**/*", offline)
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(deck.as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)
        page.wait_for_selector(".reveal .slides section.present", state="visible")
        assert "Offline deck" in page.evaluate("Reveal.getCurrentSlide().textContent")
        assert page.evaluate("Reveal.getTotalSlides()") == 2
        screenshot(page, "slides_offline_1_title")

        page.keyboard.press("ArrowRight")
        page.wait_for_function("Reveal.getIndices().h === 1", timeout=5_000)
        current = page.evaluate("Reveal.getCurrentSlide().textContent")
        assert "The recurrence" in current
        assert "hello from the kernel" in current                          # the executed output
        page.wait_for_selector("section.present mjx-container", timeout=15_000)  # maths typeset offline
        page.wait_for_timeout(1_000)                                           # the slide transition
        screenshot(page, "slides_offline_2_next")
    assert aborted == [], f"the deck asked the network for {aborted}"
    assert failed == [] and errors == [], (failed, errors)
