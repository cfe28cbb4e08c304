"""The candidate words of a term rebuild: the frequent words first, then what a buyer types for them."""

from meidu.core.search.term_candidates import term_candidates, typed_forms


def test_typed_forms_are_pinyin_and_cjk_prefixes_of_two_characters_or_more():
    assert typed_forms("南果梨") == ["nanguoli", "ngl", "南果", "nanguo", "ng"]
    assert typed_forms("猪肉") == ["zhurou", "zr"]
    assert typed_forms("梨") == ["li"]  # a lone initial (l) would match nearly everything
    assert typed_forms("li") == []  # a Latin word of 4+ letters is already a prefix query


def test_frequent_words_and_their_synonyms_come_before_typed_forms_and_the_cap_holds():
    candidates = term_candidates(["猪肉", "梨"], limit=100)
    assert candidates[:2] == ["猪肉", "梨"]
    assert candidates.index("土猪肉") < candidates.index("zhurou")  # a synonym of a frequent word first
    assert len(candidates) == len(set(candidates))
    assert term_candidates(["猪肉", "梨"], limit=3) == candidates[:3]
    assert term_candidates([], limit=10) == []
