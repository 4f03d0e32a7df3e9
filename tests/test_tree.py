"""tree.py walks pandoc's AST as pandocfilters does, faster: the same trees and text for the same actions."""

from __future__ import annotations

import copy

import pandocfilters

from pipeline import tree
from pipeline.pandoc import markdown_blocks

TEXT = """# A heading {#top}

Words, *emphasis*, **strong**, `code`, $x^2$, [a link](#top) and a note.[^1]

| Column | Other |
|--------|-------|
| cell *a* | cell b |

> A quote with a list:
>
> 1. first
> 2. second

[^1]: The note, with *its own* emphasis.
"""


def action(key, value, fmt, meta):
    """Replace, splice, drop and descend, as the build's passes do."""
    if key == "Space":
        return {"t": "Str", "c": "_"}
    if key == "Emph":
        return value  # spliced
    if key == "Note":
        return []  # dropped
    if key == "Header":
        return [pandocfilters.Para([pandocfilters.Str("before")]), {"t": "Header", "c": value}]
    return None


def test_walk_and_visit_give_pandocfilters_trees_and_text():
    blocks = markdown_blocks(TEXT)
    expected = pandocfilters.walk(copy.deepcopy(blocks), action, "", {})
    assert tree.walk(blocks, action) == expected
    assert blocks == markdown_blocks(TEXT)  # walk leaves its input as it was
    changed = copy.deepcopy(blocks)
    assert tree.visit(changed, action) is changed and changed == expected
    assert tree.stringify(blocks) == pandocfilters.stringify(blocks)
    assert tree.stringify(blocks[1]) == pandocfilters.stringify(blocks[1])


def test_visit_of_only_some_kinds_shows_the_action_those_alone_and_changes_the_tree_alike():
    kinds = frozenset({"Space", "Emph", "Note"})
    seen = []

    def some(key, value, fmt, meta):
        return action(key, value, fmt, meta) if key in kinds else None

    def watched(key, value, fmt, meta):
        seen.append(key)
        return action(key, value, fmt, meta)

    blocks = markdown_blocks(TEXT)
    expected = pandocfilters.walk(copy.deepcopy(blocks), some, "", {})
    assert tree.visit(blocks, watched, only=kinds) == expected
    assert set(seen) == kinds and seen.count("Space") > 10
