"""Readers of the research data sets the toolkit is measured on and learns from.

Each reader takes a file or folder in the data set's own format, read by path
(nothing is copied), and returns :class:`~analysis.types.Article` records
and gold tables; a file that is not in the format is a
:class:`~analysis.errors.CorpusError` naming it. :mod:`analysis.evaluate`
scores runs against them, :mod:`analysis.importer` turns them into corpus
files and :mod:`analysis.training` trains on them.

* PolNeAR (Newell, Margolin & Ruths, LREC 2018): attributions.
* NewsMTSC (Hamborg & Donnay, EACL 2021): target-dependent sentiment.
* PerSenT (Bastan et al., COLING 2020): document-level sentiment toward an entity.
* BASIL (Fan et al., EMNLP 2019): entities, quotes, speakers, portrayal and bias spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import CorpusError

__all__ = [
    "read_polnear",
    "NEWSMTSC_POLARITY",
    "read_newsmtsc",
    "read_persent",
    "BASIL_OUTLETS",
    "BASIL_FEELING_COLUMNS",
    "BASIL_SPAN_COLUMNS",
    "BasilGold",
    "read_basil",
]


def read_polnear(path: str | Path) -> tuple[list, pd.DataFrame]:
    """Articles and gold attributions from a PolNeAR JSONL file.

    PolNeAR (Newell, Margolin & Ruths, LREC 2018) annotates attributions in
    2016 US election news as Source, Cue and Content spans (character offsets
    into ``text``). An article annotated by several people appears once per
    annotator; the first annotation (by annotator id) is used, so each
    article counts once.

    Returns
    -------
    (articles, gold)
        ``gold`` has one row per attribution: ``article_id, content_spans,
        content_text, source_spans, source_text, cue_spans, cue_text``
        (spans are lists of ``(start, end)``).
    """
    import json

    from .types import Article

    path = Path(path)
    by_file: dict[str, dict] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key, annotator = row["filename"], row["annotator"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CorpusError(f"not a PolNeAR record ({exc})", source=str(path), line=number) from exc
            if key not in by_file or annotator < by_file[key]["annotator"]:
                by_file[key] = row
    articles, rows = [], []
    for key in sorted(by_file):
        row = by_file[key]
        articles.append(Article(id=key, text=row["text"], title=row.get("title", ""),
                                outlet=row.get("publisher", ""), date=row.get("publication_date", ""),
                                source=f"{path}:{key}"))
        for attribution in row.get("attributions", []):
            if not _role_spans(attribution, "Content"):
                continue
            rows.append({"article_id": key, **{
                f"{name}_{what}": (_role_spans if what == "spans" else _role_text)(attribution, role)
                for role, name in (("Content", "content"), ("Source", "source"), ("Cue", "cue"))
                for what in ("spans", "text")
            }})
    columns = ["article_id", "content_spans", "content_text", "source_spans", "source_text", "cue_spans", "cue_text"]
    return articles, pd.DataFrame(rows, columns=columns)


def _role_spans(attribution: dict, role: str) -> list[tuple[int, int]]:
    return [tuple(span) for part in attribution.get(role, []) for span in part["spans"]]


def _role_text(attribution: dict, role: str) -> str:
    return " … ".join(part["text"] for part in attribution.get(role, []))


#: NewsMTSC's ``polarity`` values and the labels they stand for.
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def read_newsmtsc(path: str | Path) -> tuple[list[str], list[tuple[int, int]], list[str]]:
    """NewsMTSC JSONL (Hamborg & Donnay 2021) as one example per target:
    sentences, ``(from, to)`` spans and labels (negative, neutral, positive)."""
    import json

    path = Path(path)
    sentences, spans, labels = [], [], []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                sentence = record["sentence_normalized"]
                for target in record["targets"]:
                    start, end = int(target["from"]), int(target["to"])
                    if "mention" in target and sentence[start:end] != target["mention"]:
                        raise ValueError(f"span ({start}, {end}) is not the mention {target['mention']!r}")
                    labels.append(NEWSMTSC_POLARITY[float(target["polarity"])])
                    sentences.append(sentence)
                    spans.append((start, end))
            except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
                raise CorpusError(f"not a NewsMTSC record ({exc})", source=str(path), line=number) from None
    return sentences, spans, labels


def read_persent(path: str | Path) -> list[tuple]:
    """PerSenT CSV (Bastan et al., COLING 2020): (article, target entity, document label) triples."""
    from .types import Article

    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("DOCUMENT_INDEX", "TARGET_ENTITY", "DOCUMENT", "TRUE_SENTIMENT") if c not in frame]
    if missing:
        raise CorpusError(f"missing column(s) {', '.join(missing)}; is this a PerSenT file?", source=str(path))
    out = []
    for row in frame.itertuples():
        article = Article(id=f"persent-{row.DOCUMENT_INDEX}", text=row.DOCUMENT.strip(), title=row.TITLE,
                          source=f"{path}:{row.DOCUMENT_INDEX}")
        out.append((article, row.TARGET_ENTITY.strip(), row.TRUE_SENTIMENT.strip().lower()))
    return out


# --- BASIL ---------------------------------------------------------------------------------------

#: BASIL's outlets (``source`` of an article file).
BASIL_OUTLETS = ("fox", "nyt", "hpo")
#: Columns of :attr:`BasilGold.feelings` and :attr:`BasilGold.spans`.
BASIL_FEELING_COLUMNS = ["article_id", "entity", "label"]
BASIL_SPAN_COLUMNS = ["article_id", "span", "sentence", "start", "end", "text", "target", "polarity", "quote",
                      "speaker", "bias", "aim", "in_title"]
_BASIL_LABELS = {"neg": "negative", "neu": "neutral", "pos": "positive"}
_FEELING_PREFIX = "author_feeling_"
_NOT_AN_ENTITY = ("main_event",)


@dataclass(frozen=True)
class BasilGold:
    """The BASIL articles of a folder and their gold tables (:func:`read_basil`).

    ``feelings``: one row per (article, entity) ``author_feeling_*`` label
    (``label`` negative / neutral / positive). ``spans``: one row per
    phrase-level annotation, ``start``/``end`` offsets in the article body
    (``-1`` for the span that lies in the title, ``in_title`` true),
    ``polarity`` pos / neg, ``quote`` true / false, ``speaker`` the entity id
    or ``other_*`` or empty. ``mismatched`` counts spans whose ``txt`` is not
    the body (or title) text at their offsets (kept, and reported).
    """

    articles: tuple
    feelings: pd.DataFrame
    spans: pd.DataFrame
    mismatched: int = 0
    files: int = 0


def _basil_label(value: str, source: str, key: str) -> str:
    label = _BASIL_LABELS.get(str(value).strip().lower().removeprefix("str-"))
    if label is None:
        raise CorpusError(f"{key}: unknown label {value!r}; valid: {', '.join(_BASIL_LABELS)}", source=source)
    return label


def read_basil(folder: str | Path) -> BasilGold:
    """Articles and gold tables of the BASIL data set, read from its folder.

    Parameters
    ----------
    folder
        The folder with ``articles/<year>/<stem>.json`` and
        ``annotations/<year>/<stem>_ann.json`` (BASIL's own layout; e.g.
        ``../shared/data/basil``). Read by path: nothing is copied.

    Returns
    -------
    BasilGold
        ``articles`` as :class:`~analysis.types.Article` records (id: the
        annotation's ``uuid``, or the file stem where it is ``"empty"``;
        body: the sentences of a paragraph joined with a space, paragraphs
        with a blank line; ``outlet`` fox / nyt / hpo), and the gold tables.

    Raises
    ------
    CorpusError
        If the folder has no article files, an article has no annotation
        file, or a file is not BASIL's format (naming the file).

    Notes
    -----
    BASIL: Fan et al., "In Plain Sight: Media Bias Through the Lens of Factual
    Reporting", EMNLP 2019. A phrase annotation's ``id`` ``p<k>`` names the
    k-th sentence of the article counting every paragraph's sentences from 0,
    and ``start``/``end`` are offsets within that sentence; they are turned
    into body offsets here, and each span's ``txt`` is checked against the
    body.
    """
    import json

    from .types import Article

    root = Path(folder)
    files = sorted((root / "articles").glob("*/*.json")) if (root / "articles").is_dir() else []
    if not files:
        raise CorpusError("no BASIL article files (articles/<year>/<stem>.json); give the BASIL folder",
                          source=str(root))
    articles, feelings, spans, mismatched = [], [], [], 0
    for file in files:
        ann_file = root / "annotations" / file.parent.name / f"{file.stem}_ann.json"
        if not ann_file.is_file():
            raise CorpusError(f"no annotation file {ann_file.name} for this article", source=str(file))
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
            ann = json.loads(ann_file.read_text(encoding="utf-8"))
            paragraphs = [[str(s) for s in paragraph] for paragraph in record["body-paragraphs"]]
            uuid = str(ann.get("uuid") or "empty")
            article_level = ann.get("article-level-annotations") or {}
            phrase_level = ann.get("phrase-level-annotations") or []
        except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise CorpusError(f"not a BASIL article and annotation ({exc!r})", source=str(file)) from None
        article_id = file.stem if uuid == "empty" else uuid
        sentence_starts, pieces, offset = [], [], 0
        for p, paragraph in enumerate(paragraphs):
            if p:
                offset += 2  # the blank line between paragraphs
            for s, sentence in enumerate(paragraph):
                if s:
                    offset += 1
                sentence_starts.append(offset)
                offset += len(sentence)
            pieces.append(" ".join(paragraph))
        body = "\n\n".join(pieces)
        sentences = [sentence for paragraph in paragraphs for sentence in paragraph]
        title = str(record.get("title") or "")
        outlet = str(record.get("source") or "").lower()
        articles.append(Article(
            id=article_id, text=body, title=title, outlet=outlet, date=str(record.get("date") or ""),
            url=str(record.get("url") or ""), source=str(file),
            extra=(("triplet", str(record.get("triplet-uuid") or "")), ("corpus", "basil")),
        ))
        for key, value in article_level.items():
            if key.startswith(_FEELING_PREFIX) and key[len(_FEELING_PREFIX):] not in _NOT_AN_ENTITY and value:
                feelings.append({"article_id": article_id, "entity": key[len(_FEELING_PREFIX):],
                                 "label": _basil_label(value, str(ann_file), key)})
        for number, span in enumerate(phrase_level):
            try:
                where, start, end, txt = str(span["id"]), int(span["start"]), int(span["end"]), str(span["txt"])
                if where == "title":
                    ok, body_start, body_end, k = title[start:end] == txt, -1, -1, -1
                else:
                    k = int(where.removeprefix("p"))
                    ok = sentences[k][start:end] == txt
                    body_start, body_end = sentence_starts[k] + start, sentence_starts[k] + end
            except (KeyError, ValueError, IndexError, TypeError) as exc:
                raise CorpusError(f"phrase annotation {number + 1}: not a BASIL span ({exc!r})",
                                  source=str(ann_file)) from None
            mismatched += not ok
            spans.append({
                "article_id": article_id, "span": number, "sentence": k, "start": body_start, "end": body_end,
                "text": txt, "target": str(span.get("target") or ""), "polarity": str(span.get("polarity") or ""),
                "quote": str(span.get("quote") or "").lower() == "yes", "speaker": str(span.get("speaker") or ""),
                "bias": str(span.get("bias") or ""), "aim": str(span.get("aim") or ""), "in_title": where == "title",
            })
    return BasilGold(tuple(articles), pd.DataFrame(feelings, columns=BASIL_FEELING_COLUMNS),
                     pd.DataFrame(spans, columns=BASIL_SPAN_COLUMNS), mismatched, len(files))
