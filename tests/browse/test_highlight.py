"""?hl= terms: what a search query as typed highlights, and that everything else stays escaped."""

from articles.browse import highlight, highlight_terms


def test_terms_from_a_typed_query():
    assert highlight_terms('风陵渡 "现代医药" -药业 NOT 亚宝 甲 OR 乙') == ["风陵渡", "现代医药", "甲", "乙"]
    assert highlight_terms("医药,医药，项目、园区") == ["医药", "项目", "园区"]
    assert highlight_terms("") == [] and highlight_terms(None) == []
    assert len(highlight_terms(" ".join(f"词{i}" for i in range(50)))) == 10


def test_highlight_escapes_and_marks():
    html = highlight('A<b>医药</b> & "Ab"', ["医药", "ab", "<b>"])
    assert html == "A<mark>&lt;b&gt;</mark><mark>医药</mark>&lt;/b&gt; &amp; &quot;<mark>Ab</mark>&quot;"
    assert highlight("<i>", []) == "&lt;i&gt;"


def test_longer_terms_win_over_their_parts():
    assert highlight("现代医药产业", ["医药", "现代医药"]) == "<mark>现代医药</mark>产业"
