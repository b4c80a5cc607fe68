"""Pages and articles too small to be what they claim are flagged, not stored silently."""

from pathlib import Path

from articles.parsing import parse_page

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_a_one_byte_page_and_a_masthead_only_page_are_flagged():
    for text in ("a", "开发区建设\n\n2024年4月26日 星期五  第16期\n"):
        page = parse_page(text)
        assert any("可能不是完整的版面" in warning for warning in page.warnings), text


def test_a_page_without_articles_is_flagged():
    page = parse_page("\n\n   \n")
    assert page.articles == []
    assert any("没有解析出文章" in warning for warning in page.warnings)


def test_a_fragment_article_is_flagged_and_the_seeds_are_not():
    text = "# 风陵渡经济开发区做强医药产业\n\n科学导报讯 " + "风陵渡经济开发区重点发展现代医药产业。" * 20
    text += "\n\n# 一则短讯\n\n签约三个项目。\n"
    page = parse_page(text)
    assert any("可能是误拆的片段" in warning for warning in page.articles[-1].warnings)
    assert not any("片段" in warning for warning in page.articles[0].warnings)
    for seed in sorted(SEEDS.glob("*.txt")):
        parsed = parse_page(seed.read_text(encoding="utf-8"))
        assert parsed.warnings == [], seed.name
        assert not any("片段" in w for article in parsed.articles for w in article.warnings), seed.name
