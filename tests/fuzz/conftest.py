"""Fuzzing the public surface: search page and API, browse and API URLs, the admin upload, ingest.

Bad input must get a clear answer (200 with a note, 400 or 404 with a message, a form error), never a
server error, and must leave nothing half-written. Each test runs a bounded number of examples; in CI
they are the same examples every run (tests/conftest.py loads the derandomized "ci" profile).
"""

from hypothesis import strategies as st

# Fixtures, found by pytest under these names: an editor in the 编辑 group; the seeds, indexed (module scope).
from tests.admin.conftest import editor  # noqa: F401
from tests.search.conftest import seeded  # noqa: F401

# Every code point UTF-8 can carry: lone surrogates cannot travel in a URL or a form at all.
UNICODE = st.characters(exclude_categories=("Cs",))
CONTROLS = st.characters(categories=("Cc", "Cf", "Zl", "Zp"))
# Pieces with meaning to the query language, HTML, URLs or the archive's data.
SPECIAL = [
    '"', "'", "“", "”", "-", "NOT", "OR", "AND", "*", "?", "~", "^", ":", "[", "]", "{", "}", "(", ")",
    "\\", "/", "%", "&", "#", "<", ">", "<script>", "\x00", "\ufeff", "\u3000", " ", "\t", "\n",
    "长子经开区", "亚宝药业", "风陵渡经济开发区", "临汾", "太原市", "王波", "2024", "2024-16", "经济技术开发区",
    "0", "-1", "1e9", "99999999999999999999", "NaN", "relevance", "date", "all", "title", "author",
]  # fmt: skip
PIECES = st.one_of(st.sampled_from(SPECIAL), st.text(UNICODE, max_size=4), st.text(CONTROLS, min_size=1, max_size=2))


def _repeat(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size]


# Up to 100 kB: far past every limit the site sets on a parameter.
HUGE = st.builds(_repeat, st.text(UNICODE, min_size=1, max_size=8), st.integers(10_000, 100_000))
TEXTS = st.one_of(
    st.text(UNICODE, max_size=40),
    st.lists(PIECES, max_size=25).map("".join),
    st.lists(PIECES, max_size=12).map(" ".join),
    HUGE,
)
