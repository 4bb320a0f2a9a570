"""Tests of framing.topics: units, the BERTopic model (small and large paths), determinism,
labels file, save/load, offline default, topic mix and the topic charts."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ruamel.yaml import YAML

from framing.errors import ConfigError, FramingError, NotFittedError
from framing.records import Document, Span
from framing.topics import (
    MIX_COLUMNS,
    OUTLET_MIX_COLUMNS,
    TOPIC_COLUMNS,
    UNIT_COLUMNS,
    ArabicAnalyzer,
    TopicModel,
    fit_corpus_topics,
    labels_template_text,
    outlet_topic_mix,
    read_labels,
    split_units,
    topic_mix,
    write_labels_template,
)

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "topics"
STOP = DATA / "stopwords.txt"
THEMES = ("diplomacy", "military", "displacement", "economy")


def _paragraphs() -> dict[str, list[str]]:
    return YAML(typ="safe").load((DATA / "paragraphs.yaml").read_text(encoding="utf-8"))


#: (outlet, [(theme, paragraph index), ...]): outlet "a" dwells on fighting and talks,
#: "b" on the displaced, "c" on prices
LAYOUT = [
    ("a", [("military", 0), ("military", 1), ("diplomacy", 0), ("military", 2)]),
    ("a", [("diplomacy", 1), ("military", 3), ("diplomacy", 2), ("military", 4)]),
    ("b", [("displacement", 0), ("displacement", 1), ("military", 5), ("displacement", 2)]),
    ("b", [("displacement", 3), ("diplomacy", 3), ("displacement", 4), ("displacement", 5)]),
    ("c", [("economy", 0), ("economy", 1), ("diplomacy", 4), ("economy", 2)]),
    ("c", [("economy", 3), ("economy", 4), ("diplomacy", 5), ("economy", 5)]),
]


def small_corpus() -> tuple[list[Document], list[str]]:
    """Six documents of four paragraphs; also the theme of every paragraph, in order."""
    paras = _paragraphs()
    docs, themes = [], []
    for i, (outlet, parts) in enumerate(LAYOUT):
        text = "\n\n".join(paras[t][k] for t, k in parts)
        docs.append(Document(doc_id=f"d{i}", text=text, outlet=outlet))
        themes.extend(t for t, _ in parts)
    return docs, themes


@pytest.fixture(scope="module")
def small():
    docs, themes = small_corpus()
    units = split_units(docs, min_chars=60)
    assert len(units) == len(themes)
    model = TopicModel(n_topics=4, stop_words=STOP, seed=7).fit(units)
    return docs, units, themes, model


def _purity(assigned, themes) -> float:
    """Share of units whose topic is the majority topic of their theme (and themes differ)."""
    by_theme: dict[str, Counter] = {}
    for t, th in zip(assigned, themes, strict=True):
        by_theme.setdefault(th, Counter())[int(t)] += 1
    return sum(c.most_common(1)[0][1] for c in by_theme.values()) / len(themes)


# --- units ------------------------------------------------------------------------------------


def test_split_units_paragraphs_offsets_and_columns():
    docs, themes = small_corpus()
    units = split_units(docs, min_chars=60)
    assert list(units.columns) == UNIT_COLUMNS
    assert len(units) == len(themes) == 24
    by_id = {d.doc_id: d for d in docs}
    for r in units.itertuples():
        assert r.text == by_id[r.doc_id].masked_text[r.start:r.end]
        assert r.text == r.text.strip() and "\n" not in r.text
    assert units.groupby("doc_id")["unit"].apply(list).tolist() == [[0, 1, 2, 3]] * 6


def test_split_units_merges_short_skips_junk_and_splits_long():
    long_sentence = "وقال المسؤول إن المفاوضات بين الوفدين مستمرة منذ أيام طويلة. "
    text = ("تخطى إلى المحتوى\n"                      # 3 words: skipped
            "12345 678\n"                              # no Arabic: skipped
            "عنوان الخبر عن المحادثات الجارية اليوم\n"  # short: merged with the next paragraph
            + "قال الوزير إن المحادثات مستمرة بين الجانبين حول الوضع الميداني. " * 3 + "\n"
            + long_sentence * 40)                      # long: split at sentence ends
    doc = Document("x", text, outlet="o")
    units = split_units([doc], min_chars=120, max_chars=600)
    first = units.iloc[0]
    assert first["text"].startswith("عنوان الخبر")
    assert "قال الوزير" in first["text"]
    assert (units["end"] - units["start"]).max() <= 600
    rest = units.iloc[1:]
    assert len(rest) >= 3
    assert all(t.rstrip().endswith(".") for t in rest["text"])
    assert "".join(rest["text"]).replace(" ", "") == (long_sentence * 40).replace(" ", "")
    assert not units["text"].str.contains("تخطى").any()


def test_split_units_uses_masked_text_and_original_offsets():
    body = "قصفت الطائرات الحربية بلدات ريف إدلب الجنوبي بالصواريخ والبراميل المتفجرة صباح اليوم."
    nav = "شارك المقال عبر فيسبوك وتويتر وواتساب الآن"
    text = nav + "\n" + body
    doc = Document("m", text, outlet="o", excluded=(Span(0, len(nav), "boilerplate"),))
    units = split_units([doc], min_chars=20)
    assert len(units) == 1
    u = units.iloc[0]
    assert text[u["start"]:u["end"]] == body
    assert "فيسبوك" not in u["text"]


def test_split_units_empty_documents_give_no_rows():
    units = split_units([Document("e", ""), Document("s", "   \n\n  ")])
    assert len(units) == 0 and list(units.columns) == UNIT_COLUMNS


def test_split_units_rejects_bad_sizes():
    with pytest.raises(ConfigError, match="max_chars"):
        split_units([], min_chars=500, max_chars=100)


@pytest.mark.parametrize(("text", "expected"), [
    ("قصف في إدلب الجنوبية، أمس 3 مرات", ["قصف", "ادلب", "الجنوبيه", "امس", "مرات", "ادلب الجنوبيه"]),
    ("الرئيسُ الروسيّ فلاديمير بوتين", ["الرئيس", "الروسي", "فلاديمير", "بوتين", "الرئيس الروسي",
                                         "الروسي فلاديمير", "فلاديمير بوتين"]),
    ("وزارة في الدفاع", ["وزاره", "الدفاع"]),              # no pair across a stop word
    ("Reuters 2013م خبر و عاجل", ["خبر", "عاجل"]),         # no Latin, digits, 1-letter words
])
def test_arabic_analyzer(text, expected):
    assert ArabicAnalyzer(stop_words=["في", "و"])(text) == expected


def test_arabic_analyzer_gives_the_same_words_from_its_token_memory():
    analyzer = ArabicAnalyzer(stop_words=["في"])
    text = "والجيش في إدلب، وبالجيش قصف في الجيش"
    first = analyzer(text)
    assert first == ["الجيش", "ادلب", "الجيش", "قصف", "الجيش", "الجيش قصف"]  # no pair across «،»
    assert analyzer(text) == first                       # second call: every token remembered
    assert analyzer("في في") == []                      # a remembered stop word stays dropped


def test_cosine_knn_is_exact_self_first_and_ties_by_index():
    from framing.topics import _cosine_knn

    rng = np.random.default_rng(3)
    emb = rng.normal(size=(2500, 12)).astype(np.float32)
    emb[7] = emb[3] * 2.0                                # same direction as row 3: distance 0
    idx, dist = _cosine_knn(emb, 6, chunk=300)
    assert idx.shape == dist.shape == (2500, 6)
    assert (idx[:, 0] == np.arange(2500)).all() and (dist[:, 0] == 0).all()
    unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, np.inf)
    brute = np.argsort(-sims, axis=1, kind="stable")[:, :6]
    assert (idx == brute).mean() > 0.999                 # float32 near-ties aside
    assert np.all(np.diff(dist, axis=1) >= -1e-6)         # nearest first
    assert idx[3, 1] == 7 and idx[7, 1] == 3 and dist[3, 1] < 1e-6
    again, _ = _cosine_knn(emb, 6, chunk=1000)           # chunking does not change the graph
    assert np.array_equal(idx, again)



def test_cosine_knn_ties_at_the_kth_place_go_to_the_lower_rows():
    """Forty copies of one unit (wire copies) and rows of zeros tie far past the 6th place: the
    neighbours kept are the lowest-numbered of the tied rows, on the sampled path (5,000 columns)
    as on a brute-force sort by (distance, row)."""
    from framing.topics import _cosine_knn, _smallest_k

    rng = np.random.default_rng(5)
    emb = rng.normal(size=(5000, 16)).astype(np.float32)
    emb[4100:4140] = emb[9]                              # 40 copies of row 9
    emb[300:330] = 0.0                                   # 30 empty units: similarity 0 to everything
    idx, dist = _cosine_knn(emb, 6)
    assert idx[9].tolist() == [9, 4100, 4101, 4102, 4103, 4104]
    assert idx[4120].tolist() == [4120, 9, 4100, 4101, 4102, 4103]
    assert (dist[4120, 1:] < 1e-6).all()
    assert idx[310].tolist() == [310, 0, 1, 2, 3, 4]      # all tie at distance 1: the first rows
    rows = np.r_[0:40, 300:340, 4090:4150]               # plain rows, empty ones, copies
    unit = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    neg = -(unit[rows] @ unit.T)
    neg[np.arange(len(rows)), rows] = -np.inf
    brute = np.lexsort((np.broadcast_to(np.arange(5000), neg.shape), neg), axis=1)[:, :6]
    assert np.array_equal(idx[rows], brute)
    cols, vals = _smallest_k(neg, 6)
    assert np.array_equal(cols, brute) and np.array_equal(vals, np.take_along_axis(neg, cols, axis=1))

# --- the small (k-means) path --------------------------------------------------------------------


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_small_corpus_uses_kmeans_and_finds_the_themes(small):
    _, units, themes, model = small
    assert model.clustering_used_ == "kmeans"
    assert "k-means" in model.clustering_reason_ and "24 units" in model.clustering_reason_
    assert model.n_units_ == model.n_fit_units_ == 24
    assert list(model.topics_.columns) == TOPIC_COLUMNS
    assert sorted(model.topics_["topic"]) == [0, 1, 2, 3]          # no outlier topic
    assert model.topics_["size"].sum() == 24
    assigned = model.transform(units)
    assert assigned.shape == (24,) and -1 not in assigned
    assert _purity(assigned, themes) >= 0.9
    assert len({Counter(a for a, th in zip(assigned, themes, strict=True) if th == t).most_common(1)[0][0]
                for t in THEMES}) == 4


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_topic_words_are_clean_arabic(small):
    _, _, _, model = small
    stops = {w.strip() for w in STOP.read_text(encoding="utf-8").splitlines() if w and not w.startswith("#")}
    for row in model.topics_.itertuples():
        words = row.top_words.split("، ")
        assert len(words) == 10
        for w in words:
            assert all("\u0621" <= ch <= "\u064a" or ch == " " for ch in w.replace("\u0652", "")), w
            assert not set(w.split(" ")) & stops, w
        assert 1 <= len(row.label.split("، ")) <= 3
    economy = model.topics_.loc[model.topics_["top_words"].str.contains("الأسعار")]
    assert len(economy) == 1


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_auto_number_of_clusters_for_small_corpus():
    docs, _ = small_corpus()
    units = split_units(docs, min_chars=60)
    model = TopicModel(stop_words=STOP).fit(units)
    assert model.clustering_used_ == "kmeans"
    assert len(model.topics_) == round((24 / 3) ** 0.5)


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_topic_mix_shares_per_document_and_outlet(small):
    _, units, _, model = small
    mix = topic_mix(model, units)
    assert list(mix.columns) == MIX_COLUMNS
    assert mix["doc_id"].unique().tolist() == [f"d{i}" for i in range(6)]
    assert np.allclose(mix.groupby("doc_id")["share"].sum(), 1.0)
    assert mix["chars"].sum() == (units["end"] - units["start"]).sum()
    assert set(mix["label"]) <= set(model.topics_["label"])
    om = outlet_topic_mix(mix)
    assert list(om.columns) == OUTLET_MIX_COLUMNS
    assert np.allclose(om.groupby("outlet")["share"].sum(), 1.0)
    economy = int(model.topics_.loc[model.topics_["top_words"].str.contains("الأسعار"), "topic"].iloc[0])
    shares = om[om["topic"] == economy].set_index("outlet")["share"]
    assert shares.idxmax() == "c" and shares["c"] > 0.5
    # weighted by text length: the outlet share equals the character-weighted mean of its documents
    c_mix = mix[(mix["outlet"] == "c") & (mix["topic"] == economy)]
    c_chars = mix[mix["outlet"] == "c"]["chars"].sum()
    assert shares["c"] == pytest.approx(c_mix["chars"].sum() / c_chars)


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_outlet_words_from_topics_per_class(small):
    _, _, _, model = small
    ow = model.outlet_words_
    assert set(ow["outlet"]) == {"a", "b", "c"}
    assert set(ow["topic"]) <= set(model.topics_["topic"])
    assert ow["units"].sum() == 24


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_default_stop_words_come_from_the_lexicon_folder(tmp_path, monkeypatch):
    (tmp_path / "stopwords-ar.txt").write_text(STOP.read_text(encoding="utf-8") + "الأسعار\n", encoding="utf-8")
    monkeypatch.setenv("FRAMING_LEXICONS", str(tmp_path))
    docs, _ = small_corpus()
    units = split_units(docs, min_chars=60)
    model = TopicModel(n_topics=4, seed=7).fit(units)               # stop_words=None: the default file
    assert not model.topics_["top_words"].str.contains("الأسعار").any()
    assert "الاسعار" in model.stop_words_
    (tmp_path / "stopwords-ar.txt").unlink()
    with pytest.raises(FramingError, match="stop-word file not found"):
        TopicModel(n_topics=4).fit(units)


def test_not_fitted_errors():
    docs, _ = small_corpus()
    units = split_units(docs, min_chars=60)
    model = TopicModel()
    with pytest.raises(NotFittedError, match="fit"):
        model.transform(units)
    with pytest.raises(NotFittedError):
        model.save("/nonexistent")
    with pytest.raises(NotFittedError):
        topic_mix(model, units)


def test_too_few_units_and_bad_options():
    docs, _ = small_corpus()
    units = split_units(docs, min_chars=60)
    with pytest.raises(ConfigError, match="too few"):
        TopicModel(stop_words=STOP).fit(units.head(3))
    with pytest.raises(ConfigError, match="clustering"):
        TopicModel(clustering="lda").fit(units)
    with pytest.raises(ConfigError, match="number of topics"):
        TopicModel(n_topics=1).fit(units)
    with pytest.raises(ConfigError, match="HDBSCAN"):
        TopicModel(clustering="hdbscan", stop_words=STOP).fit(units)
    with pytest.raises(ConfigError, match="lacks column"):
        TopicModel().fit(units.drop(columns="text"))


def test_sklearn_params_contract():
    model = TopicModel(n_topics=5, seed=3)
    assert model.get_params()["n_topics"] == 5 and model.get_params()["seed"] == 3
    assert model.set_params(seed=9) is model and model.seed == 9
    assert not [k for k in vars(model) if k.endswith("_")]          # __init__ learns nothing
    with pytest.raises(ConfigError, match="no parameter"):
        model.set_params(colour="red")


# --- determinism ---------------------------------------------------------------------------------


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_two_fits_give_identical_topics(small):
    _, units, _, first = small
    second = TopicModel(n_topics=4, stop_words=STOP, seed=7).fit(units)
    pd.testing.assert_frame_equal(first.topics_, second.topics_)
    assert first.topics_.to_csv(index=False) == second.topics_.to_csv(index=False)
    assert np.array_equal(first.transform(units), second.transform(units))


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_fit_corpus_topics_is_deterministic_and_writes_tables(tmp_path):
    from framing.output import RunOutput

    docs, _ = small_corpus()
    outs = []
    for name in ("one", "two"):
        result = fit_corpus_topics(lambda: iter(docs), seed=5, n_topics="3", stop_words=STOP)
        out = RunOutput(tmp_path / name)
        result.write(out)
        outs.append(out.commit())
        assert result.info["clustering"] == "kmeans" and result.info["seed"] == 5
        assert result.info["n_topics"] == 3
    for name in ("topics.csv", "topic_mix.csv", "outlet_topics.csv", "outlet_topic_words.csv",
                 "topic_labels.yaml"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    topics = pd.read_csv(outs[0] / "topics.csv")
    assert list(topics.columns) == TOPIC_COLUMNS and len(topics) == 3
    spec = read_labels(outs[0] / "topic_labels.yaml")
    assert spec["labels"] == dict(zip(topics["topic"], topics["label"], strict=True)) and spec["merge"] == []
    # the unedited template, passed back, changes nothing
    again = fit_corpus_topics(docs, seed=5, n_topics=3, stop_words=STOP, labels=outs[0] / "topic_labels.yaml")
    assert again.topics.to_csv(index=False) == result.topics.to_csv(index=False)
    assert again.info["label_warnings"] == []


# --- labels file ---------------------------------------------------------------------------------


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_labels_template_rename_and_merge_are_honoured(small, tmp_path):
    _, units, _, model = small
    path = write_labels_template(model, tmp_path / "topic_labels.yaml")
    text = path.read_text(encoding="utf-8")
    first_words = model.topics_.loc[0, "top_words"]
    assert first_words in text                                     # top words as a comment
    yaml = YAML()
    data = yaml.load(text)
    assert sorted(data["labels"]) == [0, 1, 2, 3] and sorted(data["words"]) == [0, 1, 2, 3]
    data["labels"][0] = "الحرب"
    data["labels"][2] = "ignored: merged into 1"
    data["merge"].append([1, 2])
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    edited = TopicModel(n_topics=4, stop_words=STOP, seed=7, labels=path).fit(units)
    assert edited.label_warnings_ == []
    assert sorted(edited.topics_["topic"]) == [0, 1, 3]             # ids of the labels file are kept
    labels = dict(zip(edited.topics_["topic"], edited.topics_["label"], strict=True))
    assert labels[0] == "الحرب"
    assert labels[1] != "ignored: merged into 1"
    sizes = dict(zip(edited.topics_["topic"], edited.topics_["size"], strict=True))
    before = dict(zip(model.topics_["topic"], model.topics_["size"], strict=True))
    assert sizes[1] == before[1] + before[2]
    assigned = edited.transform(units)
    assert set(assigned) <= {0, 1, 3} and 2 not in assigned
    mix = topic_mix(edited, units)
    assert "الحرب" in set(mix["label"])


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_labels_matched_by_words_when_ids_differ(small, tmp_path):
    _, units, _, model = small
    words = labels_template_text(model)
    data = YAML(typ="safe").load(words)
    # the file calls topic 3 "9", as a labels file from another run might
    path = tmp_path / "labels.yaml"
    path.write_text(
        "labels:\n  9: اقتصاد\n  7: مجهول\nwords:\n"
        f"  9: [{', '.join(data['words'][3])}]\n"
        "  7: [كلمة, غير, موجودة]\n", encoding="utf-8")
    edited = TopicModel(n_topics=4, stop_words=STOP, seed=7, labels=path).fit(units)
    labels = dict(zip(edited.topics_["topic"], edited.topics_["label"], strict=True))
    assert labels[3] == "اقتصاد"
    assert any("topic 9" in w and "topic 3" in w for w in edited.label_warnings_)
    assert any("topic 7" in w and "ignored" in w for w in edited.label_warnings_)


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_rewriting_a_template_keeps_user_edits_and_comments(small, tmp_path):
    _, _, _, model = small
    path = tmp_path / "topic_labels.yaml"
    path.write_text("# my notes about these topics\nlabels:\n  0: حرب  # renamed by me\nmerge: []\n",
                    encoding="utf-8")
    write_labels_template(model, path)
    text = path.read_text(encoding="utf-8")
    assert "# my notes about these topics" in text and "# renamed by me" in text
    spec = read_labels(path)
    assert spec["labels"][0] == "حرب"
    assert sorted(spec["labels"]) == [0, 1, 2, 3] and sorted(spec["words"]) == [0, 1, 2, 3]


@pytest.mark.parametrize(("content", "message"), [
    ("labels: [\n", "invalid YAML"),
    ("colours: {}\n", "unknown key"),
    ("labels:\n  abc: x\n", "not an integer"),
    ("merge:\n  - [3]\n", "at least two"),
])
def test_bad_labels_files(tmp_path, content, message):
    path = tmp_path / "l.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        read_labels(path)
    assert str(path) in str(err.value)


def test_missing_labels_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        read_labels(tmp_path / "nope.yaml")


# --- save / load ---------------------------------------------------------------------------------


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_save_load_round_trip_without_pickle(small, tmp_path):
    _, units, _, model = small
    folder = model.save(tmp_path / "model")
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert "embedder.safetensors" in files and "bertopic/topic_embeddings.safetensors" in files
    assert "bertopic/ctfidf.safetensors" in files and "framing_topics.json" in files
    for f in files:  # nothing pickled: only safetensors and JSON
        assert f.endswith((".safetensors", ".json")), f
        assert not (folder / f).read_bytes().startswith(b"\x80"), f
    loaded = TopicModel.load(folder)
    pd.testing.assert_frame_equal(loaded.topics_, model.topics_)
    assert np.array_equal(loaded.transform(units), model.transform(units))
    pd.testing.assert_frame_equal(topic_mix(loaded, units), topic_mix(model, units))
    assert loaded.clustering_used_ == "kmeans" and loaded.get_params() == {
        **model.get_params(), "stop_words": str(STOP)}
    state = json.loads((folder / "framing_topics.json").read_text(encoding="utf-8"))
    assert state["params"]["seed"] == 7


def test_load_rejects_other_folders(tmp_path):
    with pytest.raises(ConfigError, match="not a saved framing topic model"):
        TopicModel.load(tmp_path)


# --- offline ---------------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_offline_default_needs_no_network(no_network, tmp_path):
    docs, _ = small_corpus()
    units = split_units(docs, min_chars=60)
    model = TopicModel(n_topics=3, stop_words=STOP).fit(units)
    model.save(tmp_path / "m")
    TopicModel.load(tmp_path / "m").transform(units)
    assert no_network == []


@pytest.mark.slow
def test_unavailable_embedding_model_fails_clearly_without_network(no_network):
    docs, _ = small_corpus()
    units = split_units(docs, min_chars=60)
    with pytest.raises(ConfigError, match=r"no-such-org/no-such-model.*not available locally") as err:
        TopicModel(embedding_model="no-such-org/no-such-model", stop_words=STOP).fit(units)
    assert "never downloads" in str(err.value)
    assert no_network == []


def _tiny_sentence_model(folder: Path) -> Path:
    """A real (tiny) sentence-transformers model saved to a local folder: static word vectors."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, pre_tokenizers

    paras = _paragraphs()
    themes_of: dict[str, Counter] = {}
    for theme, ps in paras.items():
        for p in ps:
            for w in p.replace("،", " ").replace(".", " ").split():
                themes_of.setdefault(w, Counter())[theme] += 1
    words = sorted(themes_of)
    vocab = {"[UNK]": 0, **{w: i + 1 for i, w in enumerate(words)}}
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    # a word's vector points to the themes it is used in (plus noise), so that the clusters
    # found can only come from these embeddings
    rng = np.random.default_rng(0)
    basis = {t: rng.normal(size=64) for t in paras}
    weights = rng.normal(scale=0.3, size=(len(vocab), 64))
    for w, counts in themes_of.items():
        weights[vocab[w]] += sum(basis[t] * n for t, n in counts.items()) / sum(counts.values())
    weights = weights.astype(np.float32)
    SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)]).save(str(folder))
    return folder


@pytest.mark.slow
def test_local_sentence_transformers_model(no_network, tmp_path):
    folder = _tiny_sentence_model(tmp_path / "tiny-st")
    docs, themes = small_corpus()
    units = split_units(docs, min_chars=60)
    model = TopicModel(embedding_model=str(folder), n_topics=4, stop_words=STOP, seed=3).fit(units)
    assigned = model.transform(units)
    assert model.clustering_used_ == "kmeans" and len(model.topics_) == 4
    assert _purity(assigned, themes) >= 0.9
    loaded = TopicModel.load(model.save(tmp_path / "saved"))
    assert loaded.embedding_model == str(folder)
    assert np.array_equal(loaded.transform(units), assigned)
    assert no_network == []


def test_import_does_not_load_heavy_libraries():
    code = ("import sys, framing, framing.topics\n"
            "heavy = [m for m in ('bertopic', 'umap', 'hdbscan', 'torch', 'sklearn', 'sentence_transformers',"
            " 'matplotlib', 'seaborn') if m in sys.modules]\n"
            "print(','.join(heavy))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.slow  # imports bertopic, then torch, in a fresh process
def test_offline_topic_model_leaves_torch_unloaded_and_importable():
    # the offline embedder needs no PyTorch: BERTopic is imported without it (280 MB less resident
    # memory for the rest of a run), and PyTorch can still be imported afterwards
    code = ("import sys\n"
            "from framing.topics import _bertopic_class\n"
            "bt = _bertopic_class()\n"
            "print(bt.__name__, [m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules])\n"
            "import torch\n"
            "print(torch.zeros(2).sum().item())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["BERTopic []", "0.0"]


# --- the large (sample + HDBSCAN) path --------------------------------------------------------------

SYNTH_THEMES = {
    "football": "المباراة الفريق الملعب الهدف المدرب الدوري النادي اللاعب الجماهير البطولة الحارس التعادل "
                "الشوط الفوز الكأس",
    "economy": "الاقتصاد الأسعار الدولار البنك القرض التضخم الموازنة الاستثمار البورصة الصادرات الضرائب "
               "الديون العملة السيولة الاحتياطي",
    "elections": "الانتخابات البرلمان الدستور المرشحين الناخبين الدوائر الاقتراع اللجنة القانون الأحزاب "
                 "التصويت الصناديق الشورى المقاعد القوائم",
    "protests": "المتظاهرين الشرطة الاشتباكات الغاز الميدان المسيرة الهتافات المصابين الحجارة القنابل "
                "الاعتصام المحتجين الشارع القصر الأمن",
    "health": "المستشفى الأطباء المرضى العلاج الدواء الصحة الأمراض التطعيم الإسعاف العمليات الطوارئ "
              "الفيروس اللقاح الممرضين العيادات",
}
SHARED = ["اليوم", "مصدر", "المصري", "الحكومة", "أمس", "الرئيس", "مصر", "القاهرة", "الوزير", "بيان", "الأسبوع", "المسؤولين", "التصريحات", "المواطنين", "المحافظة", "الجديد", "الماضي"]


def synthetic_corpus(n_docs: int = 500, paras: int = 6, seed: int = 0) -> tuple[list[Document], list[str]]:
    """Documents of ``paras`` paragraphs; each paragraph mixes one theme's words with shared words."""
    rng = np.random.default_rng(seed)
    names = list(SYNTH_THEMES)
    vocab = {k: v.split() for k, v in SYNTH_THEMES.items()}
    docs, themes = [], []
    for i in range(n_docs):
        main = names[i % len(names)]
        parts = []
        for _ in range(paras):
            theme = main if rng.random() < 0.7 else names[rng.integers(len(names))]
            words = list(rng.choice(vocab[theme], 14)) + list(rng.choice(SHARED, 8))
            rng.shuffle(words)
            parts.append(" ".join(words) + ".")
            themes.append(theme)
        docs.append(Document(f"s{i}", "\n".join(parts), outlet=f"outlet{i % 4}"))
    return docs, themes


@pytest.fixture(scope="module")
def large():
    docs, themes = synthetic_corpus()
    units = split_units(docs, min_chars=50)
    assert len(units) == len(themes) == 3000
    params = dict(stop_words=STOP, hdbscan_min_units=500, max_fit_units=1200, seed=11, batch_size=700)
    return units, themes, params, TopicModel(**params).fit(units)


@pytest.mark.slow
def test_large_corpus_samples_and_uses_hdbscan(large):
    units, themes, _, model = large
    assert model.clustering_used_ == "hdbscan"
    assert "HDBSCAN" in model.clustering_reason_ and "1200 units" in model.clustering_reason_
    assert model.n_units_ == 3000 and model.n_fit_units_ == 1200
    real = model.topics_[model.topics_["topic"] != -1]
    assert len(real) >= 5                                           # not everything an outlier
    assert real["size"].sum() >= 0.5 * 1200
    assigned = model.transform(units)                               # batched (700 per batch)
    assert assigned.shape == (3000,)
    # outliers are calibrated to the share HDBSCAN set aside in the fitting sample
    sizes = model.topics_.set_index("topic")["size"]
    fit_rate = sizes.get(-1, 0) / 1200
    assert model.min_similarity_ > 0 if fit_rate else model.min_similarity_ == 0
    assert abs((assigned == -1).mean() - fit_rate) < 0.1
    assert _purity(assigned, themes) >= 0.9
    mix = topic_mix(model, units, assigned)
    assert np.allclose(mix.groupby("doc_id")["share"].sum(), 1.0)


@pytest.mark.slow
def test_hdbscan_finding_nothing_falls_back_to_kmeans():
    docs, _ = synthetic_corpus(n_docs=25)
    units = split_units(docs, min_chars=50)
    model = TopicModel(stop_words=STOP, hdbscan_min_units=100, min_topic_size=500).fit(units)
    assert model.clustering_used_ == "kmeans"
    assert "HDBSCAN found no topic" in model.clustering_reason_
    assert -1 not in set(model.transform(units))
    with pytest.raises(ConfigError, match="HDBSCAN found no topic"):
        TopicModel(stop_words=STOP, clustering="hdbscan", min_topic_size=500).fit(units)


@pytest.mark.slow
def test_large_corpus_fit_is_deterministic(large):
    units, _, params, first = large
    second = TopicModel(**params).fit(units)
    assert first.topics_.to_csv(index=False) == second.topics_.to_csv(index=False)
    assert np.array_equal(first.transform(units.head(500)), second.transform(units.head(500)))


@pytest.mark.slow
def test_large_model_save_load(large, tmp_path):
    units, _, _, model = large
    loaded = TopicModel.load(model.save(tmp_path / "big"))
    part = units.sample(400, random_state=1)
    assert np.array_equal(loaded.transform(part), model.transform(part))


# --- charts ------------------------------------------------------------------------------------------


def _outlet_mix_fixture(n_topics: int) -> pd.DataFrame:
    rows = []
    for o, outlet in enumerate(["الأهرام", "bbc", "cnn"]):
        shares = np.array([(t + 1 + o) % 5 + 1 for t in range(n_topics)] + [2], dtype=float)
        shares /= shares.sum()
        for t, s in zip([*range(n_topics), -1], shares, strict=True):
            rows.append({"outlet": outlet, "topic": t, "label": "outlier" if t == -1 else f"موضوع رقم {t}",
                         "share": s, "chars": int(s * 1000), "docs": 1})
    return pd.DataFrame(rows)


def test_plot_topic_mix_groups_small_topics():
    import matplotlib.pyplot as plt

    from framing.charts import plot_topic_mix

    fig = plot_topic_mix(_outlet_mix_fixture(15), max_topics=5)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 7 and legend[-2:] == ["other topics", "outlier"]
    assert all(lbl.startswith("T") for lbl in legend[:5])
    assert len(ax.patches) == 7 * 3                                  # one segment per legend entry and outlet
    widths = pd.DataFrame([(p.get_y(), p.get_width()) for p in ax.patches]).groupby(0)[1].sum()
    assert np.allclose(widths, 1.0)
    plt.close(fig)


def test_plot_topic_heatmap_rows_and_columns():
    import matplotlib.pyplot as plt

    from framing.topics import plot_topic_heatmap

    mix = _outlet_mix_fixture(25)
    fig = plot_topic_heatmap(mix, max_topics=20)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["bbc", "cnn", "الأهرام"]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert len(rows) == 20 and all(r.startswith("T") for r in rows)   # topics only: the scale shows them
    assert "20 largest of 25 topics" in ax.get_title() and "outliers" in ax.get_title()
    plt.close(fig)


def test_topic_names_drop_label_words_to_fit():
    from framing.charts import _topic_name

    assert _topic_name(3, "الولايات المتحدة، الأمم المتحدة، المتحدة الأمريكية", width=40) == \
        "T3 · الولايات المتحدة، الأمم المتحدة"
    assert _topic_name(-1, "outlier") == "outlier"


# --- units read on demand (the pipeline keeps no text in memory) ----------------------------------


@pytest.mark.slow  # fits BERTopic: `import bertopic` alone takes ~5 s (sentence-transformers)
def test_units_without_text_read_through_a_loader_give_the_same_topics(small):
    _, units, _, model = small
    asked: list[list[int]] = []

    def texts(idx):
        asked.append([int(i) for i in idx])
        return units["text"].to_numpy()[idx].tolist()

    bare = units.drop(columns="text")
    other = TopicModel(n_topics=4, stop_words=STOP, seed=7).fit(bare, texts=texts)
    assert other.topics_.to_csv(index=False) == model.topics_.to_csv(index=False)
    assigned = other.transform(bare, texts=texts)
    assert np.array_equal(assigned, model.transform(units))
    assert sorted({i for call in asked for i in call}) == list(range(len(units)))
    pd.testing.assert_frame_equal(topic_mix(other, bare, assigned), topic_mix(model, units))
    with pytest.raises(ConfigError, match="text"):
        other.transform(bare)  # no text column and no loader


@pytest.mark.slow  # a process that imports bertopic (~5 s), twice
def test_fit_apart_gives_the_same_tables_and_labels_file_without_the_model(small, tmp_path):
    from framing.output import RunOutput
    from framing.topics import fit_corpus_topics_apart

    _, units, _, _ = small
    bare = units.drop(columns="text")
    asked: list[int] = []

    def texts(idx):  # served by this process to the fitting one, by row position
        asked.extend(int(i) for i in idx)
        return units["text"].to_numpy()[idx].tolist()

    here = fit_corpus_topics(bare, texts=texts, seed=7, n_topics=4, stop_words=STOP)
    asked.clear()
    apart = fit_corpus_topics_apart(bare, texts=texts, seed=7, n_topics=4, stop_words=STOP)
    assert apart.model is None and sorted(set(asked)) == list(range(len(units)))
    assert apart.info["n_topics"] == 4 and apart.info["units"] == len(units)
    written = []
    for name, result in (("here", here), ("apart", apart)):
        out = RunOutput(tmp_path / name)
        result.write(out)
        written.append(out.commit())
    for name in ("topics.csv", "topic_mix.csv", "outlet_topics.csv", "outlet_topic_words.csv",
                 "topic_labels.yaml"):
        assert (written[0] / name).read_bytes() == (written[1] / name).read_bytes(), name
    assert len(read_labels(written[1] / "topic_labels.yaml")["labels"]) == 4
    # a user mistake in the fitting process is raised here, as it would be in this one
    with pytest.raises(ConfigError, match="invalid number of topics"):
        fit_corpus_topics_apart(bare, texts=texts, n_topics="many", stop_words=STOP)


def test_reduction_cuts_unit_texts_from_the_spilled_texts():
    from framing.analysis import RunSpec, analyze_document, context_for
    from framing.lexicon import load_lexicons
    from framing.reduce import TextSpill, reduce_results
    from framing.topics import document_units

    docs, _ = small_corpus()
    docs.insert(1, Document(doc_id="short", text="خبر قصير.", outlet="a"))  # no unit at all
    ctx = context_for(RunSpec.from_lexicons(load_lexicons(None), topics=True, events=False, attribution=False))
    results = [analyze_document(d, ctx) for d in docs]
    with TextSpill() as spill:
        red = reduce_results((r for r in results), {"hits": _Null(), "attributions": None, "excluded": _Null()}, spill,
                             None, None)
        frame = red.units_frame()
        expected = [(d.doc_id, d.outlet, i, s, e, d.text[s:e]) for d in docs
                    for i, (s, e) in enumerate(document_units(d.text))]
        assert list(frame.columns) == [c for c in UNIT_COLUMNS if c != "text"]
        assert [tuple(r) for r in frame.itertuples(index=False)] == [t[:5] for t in expected]
        texts = red.unit_texts(spill)
        assert texts(np.arange(len(frame))) == [t[5] for t in expected]
        assert texts(np.array([len(frame) - 1, 0])) == [expected[-1][5], expected[0][5]]
        assert "قصف" in " ".join(texts(np.arange(len(frame))))  # real Arabic paragraphs, not empty


class _Null:
    """A row stream that drops what it is given."""

    def write(self, row) -> None:
        pass
