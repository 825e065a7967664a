"""manim -t renders are laid out as opaque ones and pass the same layout checks (scenes.layout): its own
file, so that the test suite's two workers share it out (it plays a storyboard, about 25 s)."""

import pytest
from conftest import transparent_layout


@pytest.mark.render
def test_a_transparent_render_is_laid_out_as_the_opaque_one():
    """manim -t: the plated left column of the decoder's last section used to wrap onto more lines, run
    onto the footer and off the bottom edge (the plates took room; 138 layout problems over the five
    explainers' -t storyboards, none opaque). A -t render of the decoder now passes the same layout
    checks as the -ql render (text size, 5% margins, off the footer) in every section."""
    assert transparent_layout("decoder") == []
