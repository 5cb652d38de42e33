from nbformat.v4 import new_code_cell, new_markdown_cell

from rnncourse.course.slides import slide_type


def test_headings_start_slides():
    assert slide_type(new_markdown_cell("# 08 · Title\ntext")) == "slide"
    assert slide_type(new_markdown_cell("\n## A section")) == "slide"
    assert slide_type(new_markdown_cell("### A subsection")) == "subslide"
    assert slide_type(new_markdown_cell("Plain text with ## inside")) == "-"
    assert slide_type(new_code_cell("## a comment in code")) == "-"
