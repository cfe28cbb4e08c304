"""Chinese text analysis shared by both backends: folding, segmentation, single characters, pinyin,
synonyms, caps on hostile queries, and data files an operator extends without a deploy."""

import pytest

from meidu.core.search import data as search_data_module
from meidu.core.search.analysis import (
    SearchDocument,
    analyze_document,
    parse_query,
    pinyin_keys,
    suggestion_keys,
    suggestion_prefixes,
)
from meidu.core.search.normalize import normalize
from meidu.core.search.postgres import quote_lexeme, tsquery_text, tsvector_literal


def test_folding_full_width_traditional_case_and_separators():
    assert normalize("ＡＢＣ１２３，東北玉米！") == "abc123 东北玉米"
    assert normalize("'a' & !b:* | (c)") == "a b c"
    assert normalize("MgO≥97.5%") == "mgo 97.5"
    assert normalize("🍐🍐\x00\x01") == ""


def test_a_document_has_words_characters_and_pinyin_weighted_by_field():
    doc = analyze_document(
        SearchDocument(id=7, name="库尔勒香梨 5斤", secondary=["新疆果园"], body="脆甜多汁", label="库尔勒香梨")
    )
    name, secondary, body = doc.lexemes["A"], doc.lexemes["B"], doc.lexemes["C"]
    assert {"库尔勒香梨", "梨", "香", "li", "xiangli", "xl", "kuerleixiangli", "kelxl"} <= set(name)
    assert "j" not in name  # no lone initial
    assert {"香梨", "库尔勒"} <= set(secondary)  # search-mode sub-words rank below the name's own words
    assert {"新疆", "果园", "疆"} <= set(secondary)
    assert {"脆甜", "多汁", "汁"} <= set(body)


def test_project_dictionary_and_readings():
    assert pinyin_keys("粘豆包") == ["niandoubao", "ndb"]  # the dictionary's reading, not zhan
    assert "南果梨" in [t.text for t in parse_query("南果梨").terms]
    assert "电熔镁砂" in [t.text for t in parse_query("电熔镁砂").terms]


def test_synonyms_and_pinyin_expand_a_query():
    (corn,) = parse_query("苞米").terms
    assert {"玉米", "棒子", "苞米"} <= set(corn.alternatives)
    (potato,) = parse_query("tudou").terms
    assert {"土豆", "马铃薯", "地豆"} <= set(potato.alternatives)
    (pork,) = parse_query("笨猪肉").terms
    assert "土猪肉" in pork.alternatives


def test_tsquery_quotes_every_lexeme_so_no_syntax_gets_through():
    query = parse_query("玉米 ' & ! :* (梨)")
    text = tsquery_text(query)
    assert "!" not in text and "(梨)" not in text
    assert quote_lexeme("it's") == "'it''s'"
    assert tsvector_literal({"A": ["南果梨"], "C": ["汁"]}) == "'南果梨':1A '汁':2C"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "🍐" * 100, "\x00", "—…—"])
def test_queries_without_words_are_empty(text):
    assert parse_query(text).empty


def test_long_queries_are_capped_in_length_and_terms():
    long = parse_query("梨" * 10000)
    assert long.truncated and len(long.text) <= 64
    many = parse_query(" ".join(f"w{i}" for i in range(100)))
    assert many.truncated and len(many.terms) == 8


def test_suggestion_keys_cover_prefixes_pinyin_and_initials():
    keys = suggestion_keys("南果梨 鞍山特产")
    assert "南果梨" in keys and "nanguoli" in keys and "ngl" in keys
    assert suggestion_prefixes("苞米")[:1] == ["苞米"] and "玉米" in suggestion_prefixes("苞米")
    assert suggestion_prefixes("!!!") == []


def test_operators_extend_the_data_files_without_a_deploy(tmp_path, settings):
    settings.SEARCH_DATA_DIRS = [str(tmp_path)]
    settings.SEARCH_DATA_RELOAD_SECONDS = 0
    try:
        search_data_module.search_data_reload()
        assert parse_query("沙果").terms[0].alternatives == ("沙果",)
        (tmp_path / "synonyms.txt").write_text("沙果 花红 林檎\n", encoding="utf-8")
        (tmp_path / "dictionary.txt").write_text("花红 2000 n\n沙果 2000 n\n", encoding="utf-8")
        (term,) = parse_query("沙果").terms
        assert {"花红", "林檎"} <= set(term.alternatives)
        (tmp_path / "synonyms.txt").write_text("沙果 海棠果\n", encoding="utf-8")
        (term,) = parse_query("沙果").terms
        assert "海棠果" in term.alternatives and "花红" not in term.alternatives
    finally:
        settings.SEARCH_DATA_DIRS = []
        search_data_module.search_data_reload()
