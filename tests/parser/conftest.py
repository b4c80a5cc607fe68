from pathlib import Path

import pytest

from articles.parsing import parse_page

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_pages():
    return {prefix: parse_page(seed_text(prefix)) for prefix in ("000", "001", "002", "003", "004")}
