"""The extractor's sources pass: the matcher's word ranges taken as the tokens when the text
normalizes character for character, the hits mapped back through their offsets when a
presentation form expands (ﷺ: one character, four words); the same speakers either way.
Sentences written for the tests."""

from __future__ import annotations

import pytest

from framing.attribution import AttributionExtractor
from framing.normalize import normalize_with_offsets

SENTENCE = "وقال المرصد السوري لحقوق الإنسان إن 20 شخصا قتلوا."


@pytest.fixture(scope="module")
def extractor() -> AttributionExtractor:
    return AttributionExtractor()  # the bundled verbs and sources


@pytest.mark.parametrize(("prefix", "one_to_one"), [("", True), ("صلى النبي ﷺ. ", False), ("ﻻ جديد. ", False)])
def test_a_named_source_is_typed_the_same_with_or_without_an_expanded_character(extractor, prefix, one_to_one):
    text = prefix + SENTENCE
    assert normalize_with_offsets(text).one_to_one() is one_to_one
    [a] = extractor.extract(text)
    assert (a.kind, a.speaker, a.source_type, a.quote_text) == (
        "reported_speech", "المرصد السوري لحقوق الإنسان", "monitor_ngo", "20 شخصا قتلوا")
    assert text[a.speaker_start:a.speaker_end] == "المرصد السوري لحقوق الإنسان"


def test_an_expanded_character_inside_the_phrase_keeps_the_source(extractor):
    text = "وقال المرصد السوري لحقوق الإنسان ﷺ إن 20 شخصا قتلوا."
    [a] = extractor.extract(text)
    assert (a.speaker, a.source_type, a.quote_text) == ("المرصد السوري لحقوق الإنسان", "monitor_ngo", "20 شخصا قتلوا")


def test_voiced_is_replace_of_the_voice_fields():
    from dataclasses import fields, replace

    from framing.attribution import _voiced
    from framing.records import Hit

    assert [f.name for f in fields(Hit)][-4:] == ["voice", "speaker", "source_type", "attribution_id"]
    h = Hit("d1", "lex", "قوات النظام", "لقوات النظام", 3, 15, "actor_label", -0.6, actor="sg", entry_id="e7",
            sentence_start=0, sentence_end=30)
    for voice, speaker, source_type, aid in [("reported", "المرصد", "monitor_ngo", 2), ("authorial", None, None, None)]:
        assert _voiced(h, voice, speaker, source_type, aid) == replace(
            h, voice=voice, speaker=speaker, source_type=source_type, attribution_id=aid)
