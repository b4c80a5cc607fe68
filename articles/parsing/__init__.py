"""The page parser: newspaper page text in, articles out. Pure Python, no Django."""

from .gazetteer import Gazetteer
from .model import Caption, DiscoveredZone, Paragraph, ParsedArticle, ParsedPage, ZoneMention
from .page import PARSER_VERSION, parse_page

__all__ = [
    "PARSER_VERSION",
    "Caption",
    "DiscoveredZone",
    "Gazetteer",
    "Paragraph",
    "ParsedArticle",
    "ParsedPage",
    "ZoneMention",
    "parse_page",
]
