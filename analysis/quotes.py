"""Quotations and their speakers: who says what, directly or reported.

**Direct quotes** are text between quotation marks (curly or straight). News
style is handled: a quote that runs over a paragraph end without a closing
mark and continues in the next paragraph's opening mark is one quote; a split
quote (``"...," he said, "..."``) gives two quotes with the same speaker; a
quote with no attribution right after a quote of known speaker continues that
speaker; "From X: “...”", "X: “...”" and "“...” — X" name the speaker as a
label; a quoted label after a naming verb ("called the plan a “disaster”") is
the namer's words. An unbalanced mark ends its quote at the paragraph end with
a lower confidence; scare quotes and nicknames (short, or with no verb, and no
cue) are not speech.

**Indirect speech** is found through the dependency parse: a clause,
infinitive or message object reported by a verb ("X said (that) ...", "X told
CNN ...", "X vowed to ...", "X announced a ceasefire"), the clause around a
parenthetical ("..., the fighters say, ..."), and the clause after "according
to X". A reported clause that is mostly a quoted fragment ("X charged that Y
had “left behind ...”") is a direct quote, and the reporter's words leading
into it ("that Y had") an indirect one of the same speaker. Which verbs
report which structures is a data file a researcher can extend
(``resources/reporting_verbs.txt``).

The speaker is the active subject (or passive agent) of the reporting verb; a
participle cue ("..., saying, "...") takes the subject of the verb it hangs
from; a relative pronoun ("officials, who said") its antecedent. Which actor
the speaker is (the "he" of "he told reporters") is filled in by
:func:`attach_speakers` once pronouns are resolved.

Notes
-----
The attribution structure (source, cue, content) follows PARC and PolNeAR
(Pareti 2016; Newell, Margolin & Ruths, LREC 2018); ``python -m analysis
evaluate polnear`` scores this module on PolNeAR.

Examples
--------
>>> from analysis.nlp import parse
>>> doc = parse('"We see a window," Prokopiev told CNN.', cache_dir=False)
>>> [(q.text, q.cue, q.speaker_text) for q in extract_quotes(doc, article_id="demo")]
[('We see a window,', 'told', 'Prokopiev')]
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc, Token

from .errors import AnalysisError
from .nlp import doc_text, sentence_ids, sentence_token_bounds
from .resources import read_text
from .spans import IntervalIndex
from .types import OTHER_ACTOR, Mention, Quote

__all__ = [
    "extract_quotes",
    "ReportingVerbs",
    "STRUCTURES",
    "attach_speakers",
    "quote_spans",
    "load_reporting_verbs",
    "QuoteSpan",
    "AFFILIATION_ROLES",
    "NOT_SPEAKING_FOR",
    "AUTHORED_TEXTS",
]

_OPENERS = {"“": "”", "«": "»", "„": "“", '"': '"'}
_CLOSERS = {"”", "»", '"'}
#: Quotes shorter than this many words, or with no verb, are scare quotes,
#: nicknames or titles, not speech, unless a reporting verb attributes them.
_MIN_WORDS = 3


#: Structures a reporting verb may report with, and the dependency relation of each.
STRUCTURES = {"clause": "ccomp", "infinitive": "xcomp", "object": "dobj", "naming": None}


class ReportingVerbs(dict):
    """Lemma -> the structures (``clause``, ``infinitive``, ``object``) it reports with.

    ``"say" in verbs`` asks whether a lemma is a reporting verb at all.
    """

    def reports(self, lemma: str, dep: str) -> bool:
        """Does ``lemma`` report a child attached with dependency ``dep``?"""
        return any(STRUCTURES[s] == dep for s in self.get(lemma, ()))


@functools.lru_cache(maxsize=8)
def load_reporting_verbs(path: str | Path | None = None) -> ReportingVerbs:
    """Reporting verbs from a text file: one lemma per line, optionally followed
    by the structures it reports with (``clause`` by default); ``#`` comments.

    ``None`` reads the list shipped in ``analysis/resources/reporting_verbs.txt``.

    >>> verbs = load_reporting_verbs()
    >>> "say" in verbs, verbs.reports("vow", "xcomp"), verbs.reports("vow", "ccomp")
    (True, True, False)
    """
    text, source = read_text(path, "reporting_verbs.txt", what="a reporting-verb list (one lemma per line)")
    verbs = ReportingVerbs()
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].lower().split()
        if not words:
            continue
        unknown = [w for w in words[1:] if w not in STRUCTURES]
        if unknown:
            raise AnalysisError(f"unknown structure {unknown[0]!r}; valid: {', '.join(STRUCTURES)}", source=source,
                                line=number)
        verbs[words[0]] = frozenset(words[1:] or ["clause"])
    return verbs


class QuoteSpan(tuple):
    """``(start, end, balanced)``: character bounds of a quote's content."""

    __slots__ = ()

    def __new__(cls, start: int, end: int, balanced: bool):
        return super().__new__(cls, (start, end, balanced))

    start = property(lambda self: self[0])
    end = property(lambda self: self[1])
    balanced = property(lambda self: self[2])


#: spaCy's named-entity labels of places. A place never speaks: in a speaker's
#: phrase it only modifies the speaker ("the Texas governor"), and "who" never
#: stands for one.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def _is_straight_opener(text: str, i: int) -> bool:
    """A straight double quote opens when it is not glued to the word before it."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


def _closes(text: str, i: int, opener: str) -> bool:
    """Does the mark at ``i`` close a quote opened by ``opener``? Its own closer;
    a curly closer for any opener; a straight mark glued to the word before it
    ('...statement."') for a curly opener, as pasted text mixes the two."""
    ch = text[i]
    if ch == _OPENERS[opener] or (ch in _CLOSERS and ch != '"'):
        return True
    return ch == '"' and opener != '"' and not _is_straight_opener(text, i)


def _closes_in_paragraph(text: str, start: int, opener: str) -> bool:
    """Does the paragraph from ``start`` close the open quote (a closing mark
    glued to a word, before any mark that opens)?"""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    for k in range(start, end):
        ch = text[k]
        if ch in _OPENERS and (ch != '"' or _is_straight_opener(text, k)) and not (
                ch != '"' and ch == _OPENERS[opener]):  # a mark that opens a quote of its own
            return False
        if ch in _CLOSERS and _closes(text, k, opener) and k > start and not text[k - 1].isspace():
            return True
    return False


def quote_spans(text: str) -> list[QuoteSpan]:
    """Character spans of quoted text (between the marks, marks excluded).

    >>> quote_spans('He said: "Go." Then “more”.')
    [(10, 13, True), (21, 25, True)]
    """
    spans: list[QuoteSpan] = []
    open_at, opener = None, None
    i = 0
    while i < len(text):
        ch = text[i]
        if open_at is None:
            if ch in _OPENERS and (ch != '"' or _is_straight_opener(text, i)):
                open_at, opener = i + 1, ch
        elif ch == "\n":
            # news style: a quote running on into the next paragraph has no
            # closing mark here, and the next paragraph opens with a mark again;
            # a statement or post quoted with its own line breaks closes in a
            # later paragraph, with no mark opening that paragraph
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            if j < len(text) and text[j] == opener:
                i = j + 1
                continue
            if _closes_in_paragraph(text, j, opener):
                i = j
                continue
            spans.append(QuoteSpan(open_at, i, False))
            open_at = None
        elif _closes(text, i, opener):
            spans.append(QuoteSpan(open_at, i, True))
            open_at = None
        elif opener != '"' and ch == opener:
            # a second opening mark: the earlier quote was never closed
            spans.append(QuoteSpan(open_at, i, False))
            open_at = i + 1
        i += 1
    if open_at is not None:
        spans.append(QuoteSpan(open_at, len(text), False))
    return [s for s in spans if s.end > s.start]


def _inside(token: Token, marks: IntervalIndex) -> bool:
    return bool(marks.containing(token.idx))


def _subject(verb: Token, avoid: tuple[int, int] = (0, 0)) -> Token | None:
    """Who speaks: the verb's active subject, or the agent of a passive ("was
    told by X"); for a participle or infinitive cue, its governor's. The
    subject of a passive ("He was told that ...") is the hearer, not the speaker.
    A subject inside ``avoid`` (the quote's characters: spaCy sometimes hangs a
    word of the quote on the cue) is passed over for another."""
    seen = 0
    while verb is not None and seen < 4:
        # two subjects are a misparse ("..., the growth rate of the economy and the jobs he says ...",
        # "BERKELEY HEIGHTS, N.J. - President Trump said"): one who can speak before a thing or a place
        for child in sorted(verb.children, key=lambda c: (c.dep_ != "nsubj", _speaker_rank(c), abs(c.i - verb.i))):
            if child.dep_ == "nsubj" and not avoid[0] <= child.idx < avoid[1]:
                return child
            if child.dep_ == "agent" and not avoid[0] <= child.idx < avoid[1]:
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        if any(c.dep_ == "nsubjpass" for c in verb.children):
            return None
        if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head.i != verb.i:
            if seen == 0 and verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and verb.head.head.i != verb.head.i:
                # "He says the response was X and says ...": spaCy hangs the second cue on the first
                # one's clause; the second cue shares the first one's subject, not the clause's
                verb = verb.head
                seen += 1
            verb = verb.head
            seen += 1
            # a participle on a noun: "wrote a letter ..., saying" -> the verb that governs the noun
            while verb.pos_ in ("NOUN", "PROPN") and verb.dep_ in ("dobj", "pobj", "appos") and seen < 4:
                verb = verb.head.head if verb.dep_ == "pobj" else verb.head
                seen += 1
        else:
            return None
    return None


def _speaker_rank(token: Token) -> int:
    """0 for a person or a pronoun, 1 for another name, 2 for a time, a place or a thing, 3 for the
    subject of an infinitive ("called for Mr. Trump to use ...")."""
    before = token.doc[token.left_edge.i - 1] if token.left_edge.i > 0 else None
    if before is not None and before.lower_ == "for" and before.dep_ == "mark":
        return 3
    if token.ent_type_ == "PERSON" or (token.pos_ == "PRON" and token.lower_ not in ("it", "this", "that")):
        return 0
    if token.pos_ == "PROPN" and token.ent_type_ not in ("GPE", "LOC", "DATE", "TIME", "FAC"):
        return 1
    return 2


def _according_to(tokens: list[Token]) -> Token | None:
    for tok in tokens:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "to":
            objects = [c for c in tok.nbor().children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


_NP_LEFT_DEPS = ("det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "predet", "case")


def _speaker_span(head: Token) -> tuple[int, int]:
    """Characters of the speaker's noun phrase: the head and what stands before it
    in the phrase ("the aspiring volunteer fighters", "opposition leader Svetlana
    Tichanovskaya"), without relative clauses, appositions or prepositional phrases."""
    if head.pos_ == "PRON":
        return head.idx, head.idx + len(head.text)
    left = head
    for child in head.lefts:
        if child.dep_ in _NP_LEFT_DEPS:
            left = min(left, child.left_edge, key=lambda t: t.i)
    return left.idx, head.idx + len(head.text)


def _find_cue(doc: Doc, span: QuoteSpan, sent_of: list[int], marks: IntervalIndex, verbs: ReportingVerbs,
              bounds: list[tuple[int, int]]):
    """The reporting verb attributing this quote: outside every quote, in a sentence
    the quote touches, nearest to the quote's end (then its start); failing that,
    in the sentence right after the quote ('“... a wall!” Helena Marlow told
    reporters.', where spaCy ends the sentence at the quote) or before a colon
    that opens it ('she asked: “...”')."""
    first = doc.char_span(span.start, span.end, alignment_mode="expand")
    if first is None or len(first) == 0:
        return None, None
    sents = set(sent_of[first.start : first.end])
    tokens = [t for k in sorted(sents) for t in doc[bounds[k][0] : bounds[k][1]] if not _inside(t, marks)]
    found = _cue_among(tokens, first[0], span, verbs)
    attributed = _with_subject(found) or _quick_to(tokens, verbs)
    if attributed:
        return attributed
    before = _before_colon(doc, first, marks, bounds, sent_of)
    if before:
        attributed = _with_subject(_cue_among(before, first[0], span, verbs)) or _quick_to(before, verbs)
        if attributed:
            return attributed
    after = _right_after(doc, first, span)
    if found[1] is None:
        bare = _lead_in_attribution(doc, first, marks) or (
            _tail_attribution(doc, first, after, span, marks, bounds, sent_of) if after is not None else None)
        if bare:
            return bare
    if after is not None and sent_of[after] not in sents:
        # the same paragraph: a new paragraph after a quote starts a story of its own
        lo, hi = bounds[sent_of[after]]
        cue, subject = _cue_among([t for t in doc[lo:hi] if not _inside(t, marks)], first[0], span, verbs)
        # only a bare attribution ("Helena Marlow told reporters."), not a report of its own
        if subject is not None and subject.left_edge.i == after and not any(
                c.dep_ in ("ccomp", "xcomp") for c in cue.children):
            return cue, subject
    return found


def _before_opening(doc: Doc, first) -> int:
    """The last word before a quote's opening mark (past spaces and line breaks), or -1."""
    i = first.start - 1
    while i >= 0 and (doc[i].is_space or doc[i].text in _OPENERS):
        i -= 1
    return i


def _right_after(doc: Doc, first, span: QuoteSpan) -> int | None:
    """The first word after a quote's closing mark, where it follows at once in
    the same paragraph (a new paragraph after a quote starts a story of its own)."""
    after = first.end
    while after < len(doc) and (doc[after].is_space or doc[after].text in _CLOSERS):
        after += 1
    if (after < len(doc) and doc[after].idx - span.end <= 3 and not doc[after].is_punct
            and "\n" not in doc_text(doc)[span.end:doc[after].idx]):
        return after
    return None


#: Dependencies of a verb that make the words after a quote a report of their
#: own, not a bare attribution ('"...," he told the crowd he would win').
_REPORT_OF_ITS_OWN = ("dobj", "ccomp", "xcomp", "dative", "nsubjpass", "auxpass", "attr", "acomp", "oprd")


def _tail_attribution(doc: Doc, first, after: int, span: QuoteSpan, marks: IntervalIndex, bounds,
                      sent_of: list[int]) -> tuple[Token, Token] | None:
    """'“..., you fool,” Oliver barked.', '“Really?” he scoffed.', '“...,”
    opined the Plain Dealer.': a quote that ends on a comma, a question or an
    exclamation mark, followed at once by a bare clause of a subject and a verb
    (either order, the verb taking no object or clause of its own), is that
    subject's, whatever the verb: news uses many more verbs of saying in this
    place than any list holds. Returns (verb, subject) or None."""
    content = doc_text(doc)[span.start:span.end].rstrip()
    if not content or content[-1] not in ",?!" or not _opens_sentence(first, bounds, sent_of):
        return None  # 'As X put it, “...,” Y sighed': the quote sits inside a clause of the narrator's
    for verb in doc[after:min(after + 8, len(doc))]:
        if verb.pos_ != "VERB" or _inside(verb, marks):
            continue
        own = [c for c in verb.children if not _inside(c, marks)]
        if verb.i == after:  # "opined the Plain Dealer": spaCy often makes the late subject an object
            subject = next((c for c in own if c.dep_ in ("nsubj", "dobj") and c.left_edge.i == verb.i + 1), None)
            if subject is None or subject.pos_ not in ("PROPN", "NOUN") or (subject.dep_ == "dobj" and not any(
                    c.dep_ == "ccomp" and _inside(c, marks) for c in verb.children)):
                return None
        else:
            subject = next((c for c in own if c.dep_ == "nsubj"), None)
            between = doc[subject.right_edge.i + 1 : verb.i] if subject is not None else []  # "he had quipped"
            if subject is None or subject.pos_ not in ("PROPN", "NOUN", "PRON") or subject.left_edge.i != after \
                    or not all(t.head == verb and t.dep_ in ("aux", "neg", "advmod") for t in between):
                return None
        if subject.tag_ in ("WDT", "WP") or any(c.dep_ in _REPORT_OF_ITS_OWN and c != subject for c in own):
            return None  # '“...,” which led to ...': a relative clause, not an attribution
        for t in doc[verb.i + 1 : verb.i + 4]:
            if t.text in (".", "!", "?", ";"):
                break
            if t.text in _OPENERS or t.text == ":":
                return None  # '“...?” He answered, “...”': the verb opens the next quote
        return verb, subject
    return None


def _lead_in_attribution(doc: Doc, first, marks: IntervalIndex) -> tuple[Token, Token] | None:
    """'Trump leaned in and boomed: “...”', 'Jared Potts echoed: “...”', 'He
    also vowed, “...”': a quote opened right after a colon (or a comma) that
    ends a clause of a subject and a verb, whatever the verb, is that
    subject's. After a comma the verb must take no object or clause of its own
    ('He hit the road, “...”' is no attribution); after a colon it may ('She
    then addressed the supporters again: “...”'). Returns (verb, subject) or None."""
    i = _before_opening(doc, first)
    if i < 1 or doc[i].text not in (":", ","):
        return None
    mark = doc[i].text
    for verb in reversed(doc[max(0, i - 12) : i]):
        if _inside(verb, marks) or (verb.is_sent_start and verb.i < i - 1):
            break
        if verb.pos_ != "VERB":
            continue
        if verb.right_edge.i < i - 1 and not all(
                t.dep_ in ("advmod", "npadvmod", "prep", "pobj", "dobj", "det", "amod", "compound", "punct")
                for t in doc[verb.i + 1 : i]):
            return None  # the words before the colon are not the verb's
        own = [c for c in verb.children if not _inside(c, marks) and c.i < i]
        if mark == "," and (any(c.dep_ in _REPORT_OF_ITS_OWN for c in own) or not doc[i + 1:].text.lstrip(
                "“\"«„ \n")[:1].isupper() or any(t.dep_ not in ("advmod", "prt") for t in doc[verb.i + 1 : i])):
            return None  # after a comma only a bare "He also vowed," / "Sanders shot back," before a sentence
        if any(c.dep_ in ("ccomp", "xcomp", "nsubjpass", "auxpass") for c in own):
            return None
        subject = _subject(verb, (first.start_char, first.end_char))
        if subject is None or subject.tag_ in ("WDT", "WP") or subject.i > verb.i:
            return None
        return verb, subject
    return None


def _with_subject(found: tuple[Token | None, Token | None]) -> tuple[Token, Token] | None:
    """A (cue, subject) pair of :func:`_cue_among` when it found the subject too, else None."""
    return found if found[1] is not None else None


def _quick_to(tokens: list[Token], verbs: ReportingVerbs) -> tuple[Token, Token] | None:
    """'X was quick to retort: "..."': (the reporting word, X), where it hangs
    from an adjective ("quick", "eager") and a colon opens the quote right after
    it (not 'slow to answer questions'). spaCy may tag the word a noun."""
    for t in tokens:
        if t.i + 1 >= len(t.doc) or t.nbor().text != ":" or "clause" not in verbs.get(t.lemma_.lower(), ()):
            continue
        governor = t.head if t.dep_ == "xcomp" else t.head.head if t.dep_ == "pobj" and t.head.lower_ == "to" else None
        if governor is not None and governor.dep_ == "acomp":
            subject = next((c for c in governor.head.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                return t, subject
    return None


def _cue_among(tokens: list[Token], inside: Token, span: QuoteSpan, verbs: ReportingVerbs):
    """(cue, subject) among ``tokens``: a verb that reports clauses ("said"), or
    a naming verb whose phrase holds the quote ("called the plan a 'disaster'")."""
    cues = [
        t for t in tokens
        if t.pos_ in ("VERB", "AUX") and (
            "clause" in verbs.get(t.lemma_.lower(), ())
            or ("naming" in verbs.get(t.lemma_.lower(), ()) and t.left_edge.i <= inside.i <= t.right_edge.i)
        )
    ]
    cues.sort(key=lambda t: min(abs(t.idx - span.end), abs(t.idx - span.start)))
    for cue in cues:
        subject = _subject(cue, (span.start, span.end))  # never a word of the quote itself
        if subject is not None:
            return cue, subject
    according = _according_to(tokens)
    if according is not None:
        return according.head.head, according
    return (cues[0], None) if cues else (None, None)


def _before_colon(doc: Doc, first, marks: IntervalIndex, bounds, sent_of) -> list[Token]:
    """The sentence before a quote that follows a colon ("he asked: “...”"), where
    spaCy put the quote in a sentence of its own."""
    i = _before_opening(doc, first)
    if i < 0 or doc[i].text != ":" or sent_of[i] == sent_of[first.start]:
        return []
    lo, hi = bounds[sent_of[i]]
    return [t for t in doc[lo:hi] if not _inside(t, marks)]


def _has_verb(span) -> bool:
    return span is not None and any(t.pos_ in ("VERB", "AUX") for t in span)


def _direct_quotes(doc: Doc, sent_of: list[int], spans: list[QuoteSpan], marks: IntervalIndex,
                   verbs: ReportingVerbs, bounds: list[tuple[int, int]]) -> list[Quote]:
    quotes: list[Quote] = []
    previous: Quote | None = None
    for span in spans:
        content = doc_text(doc)[span.start : span.end]
        cue, subject = _find_cue(doc, span, sent_of, marks, verbs, bounds)
        tok = doc.char_span(span.start, span.end, alignment_mode="expand")
        if cue is None and (len(content.split()) < _MIN_WORDS or not _has_verb(tok)):
            continue  # scare quotes, a nickname or a title, not speech
        sentence_id = sent_of[tok.start] if tok is not None and len(tok) else -1
        confidence = 0.9 if span.balanced else 0.6
        quote = Quote(
            article_id="", quote_id=-1, start=span.start, end=span.end,
            text=content, kind="direct", sentence_id=sentence_id, confidence=confidence,
        )
        label = _speaker_label(doc, span) if subject is None else None
        if subject is not None:
            quote = _with_speaker(quote, cue, subject)
        elif label is not None:
            s_start, s_end, mark, how = label
            quote = replace(quote, cue=mark, speaker_text=doc_text(doc)[s_start:s_end], speaker_start=s_start,
                            speaker_end=s_end, evidence=how)
        elif previous is not None and previous.speaker_start >= 0 and 0 <= sentence_id - _last_sentence(
                doc, previous, sent_of) <= 1 and _opens_sentence(tok, bounds, sent_of):
            quote = replace(
                quote, cue="", speaker_text=previous.speaker_text, speaker_start=previous.speaker_start,
                speaker_end=previous.speaker_end, confidence=round(confidence * 0.8, 2),
                evidence=f"no cue of its own; continues the quote before it, of {previous.speaker_text!r}",
            )
        elif (announced := _announced(doc, tok, marks, verbs, bounds, sent_of)) is not None:
            quote = _with_speaker(replace(quote, confidence=round(confidence * 0.8, 2)), *announced)
            quote = replace(quote, evidence=quote.evidence + ", in the sentence before the quote")
        else:
            quote = replace(quote, cue=cue.text if cue is not None else "", evidence="no speaker found")
        if not span.balanced:
            quote = replace(quote, evidence=quote.evidence + "; closing quotation mark missing")
        quotes.append(quote)
        previous = quote
    return quotes


def _announced(doc: Doc, tok, marks: IntervalIndex, verbs: ReportingVerbs, bounds, sent_of):
    """(cue, subject) of a bare announcement right before a quote that opens its own
    sentence: 'Trump noted in a tweet Wednesday morning. "..."' (a colon turned
    into a full stop): the sentence before is a reporting verb with a subject
    and nothing reported, and holds no quote of its own."""
    if tok is None or not len(tok) or not _opens_sentence(tok, bounds, sent_of) or sent_of[tok.start] == 0:
        return None
    lo, hi = bounds[sent_of[tok.start] - 1]
    before = doc[lo:hi]
    root = before.root
    if (root.pos_ != "VERB" or "clause" not in verbs.get(root.lemma_.lower(), ())
            or any(_inside(t, marks) for t in before)
            or any(c.dep_ in ("ccomp", "xcomp", "dobj", "parataxis") for c in root.children)):
        return None
    subject = _subject(root)
    return (root, subject) if subject is not None else None


def _opens_sentence(tok, bounds, sent_of) -> bool:
    """Does the quote open its sentence? A quote inside a sentence of the
    narrator's ('Mr. Obama pleaded with Americans not to "..."') does not
    continue the quote before it."""
    if tok is None or not len(tok):
        return False
    lo = bounds[sent_of[tok.start]][0]
    return all(t.is_punct or t.is_space for t in tok.doc[lo:tok.start])


def _last_sentence(doc: Doc, quote: Quote, sent_of: list[int]) -> int:
    """The last sentence of a quote and its attribution ('"...!" Mr. Calderón told CNBC.')."""
    last = max(quote.end - 1, quote.speaker_end - 1, quote.start)
    span = doc.char_span(last, last + 1, alignment_mode="expand")
    return sent_of[span.start] if span is not None and len(span) else quote.sentence_id


_LABEL_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[Ff]rom[ \t]+)?([A-Z][^\n:“”\"«»]{0,60}?)[ \t]*:[ \t]*$")
_LABEL_AFTER = re.compile(r"[ \t]*[—–-]{1,2}[ \t]*([A-Z][^\n,;:.“”\"«»()]{0,60})")


def _is_name(doc: Doc, start: int, end: int) -> bool:
    """Up to five words with no verb: a name or a noun phrase, not a clause."""
    words = doc.char_span(start, end, alignment_mode="expand")
    return words is not None and 0 < len(words) <= 5 and not any(t.pos_ in ("VERB", "AUX") for t in words)


def _speaker_label(doc: Doc, span: QuoteSpan) -> tuple[int, int, str, str] | None:
    """A speaker named as a label: "From X: “...”", "X: “...”" at the start of a
    line, or "“...” — X" after the quote. Returns (start, end, mark, evidence)."""
    text = doc_text(doc)
    end = max(span.start - 1, 0)
    # The label is on the quote's line or alone on the line before it: search
    # from there, not from the top (which made long articles quadratic).
    probe = end - 1 if end > 0 and text[end - 1] == "\n" else end
    before = _LABEL_BEFORE.search(text, max(text.rfind("\n", 0, probe), 0), end)
    if before and _is_name(doc, before.start(1), before.end(1)):
        return before.start(1), before.end(1), ":", "speaker label before the quote ('X:' or 'From X:')"
    closing = span.end + 1 if span.balanced else span.end
    after = _LABEL_AFTER.match(text, closing)
    if after:
        end = after.start(1) + len(after.group(1).rstrip())
        if _is_name(doc, after.start(1), end):
            return after.start(1), end, "—", "speaker label after the quote, behind a dash"
    return None


def _person_before_place(antecedent: Token) -> Token:
    """The antecedent of "who" where spaCy hangs the relative clause on a place
    ("Alan Berger, a doctor from Englewood, New Jersey, who said ..."): up
    from the place to the noun it qualifies, and from a description in
    apposition to the person it describes."""
    steps = 0
    while antecedent.ent_type_ in _PLACE_LABELS and antecedent.dep_ in ("pobj", "appos") and steps < 4:
        antecedent = antecedent.head.head if antecedent.dep_ == "pobj" else antecedent.head
        steps += 1
    if steps and antecedent.dep_ == "appos" and antecedent.head.ent_type_ == "PERSON":
        antecedent = antecedent.head
    return antecedent


def _with_speaker(quote: Quote, cue: Token, subject: Token) -> Quote:
    doc = cue.doc
    if subject.tag_ in ("WP", "WDT") and subject.head.dep_ == "relcl":
        pronoun, subject = subject, subject.head.head  # "officials, who said ..." -> officials
        if pronoun.lower_ == "who":
            subject = _person_before_place(subject)
    s_start, s_end = _speaker_span(subject)
    if cue.lower_ == "according":
        how = "speaker named after 'according to'"
    else:
        how = f"speaker is the subject of the reporting verb {cue.text!r}"
    return replace(
        quote, cue=cue.text, speaker_text=doc_text(doc)[s_start:s_end], speaker_start=s_start, speaker_end=s_end,
        evidence=how if not quote.evidence else f"{quote.evidence}; {how}",
    )


def _content_bounds(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    """Character bounds of tokens lo..hi without edge punctuation and spaces."""
    while lo <= hi and (doc[lo].is_punct or doc[lo].is_space) and not doc[lo].is_quote:
        lo += 1
    while hi >= lo and (doc[hi].is_punct or doc[hi].is_space) and not doc[hi].is_quote:
        hi -= 1
    if hi < lo:
        return -1, -1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _outside(head: Token, removed: Token) -> tuple[int, int]:
    """Token range of ``head``'s subtree on ``head``'s side of ``removed``'s subtree."""
    lo, hi = head.left_edge.i, head.right_edge.i
    if removed.left_edge.i > head.i:
        hi = removed.left_edge.i - 1
    else:
        lo = removed.right_edge.i + 1
    return lo, hi


def _indirect_candidates(doc: Doc, marks: IntervalIndex, verbs: ReportingVerbs):
    """(cue, subject or None, first token, last token, how) for each report outside quotation marks."""
    for verb in doc:
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in verbs or _inside(verb, marks):
            continue
        lemma = verb.lemma_.lower()
        reported = [c for c in verb.children if verbs.reports(lemma, c.dep_)]
        if reported:
            part = max(reported, key=lambda c: c.right_edge.i - c.left_edge.i)
            what = {"ccomp": "clause", "xcomp": "infinitive", "dobj": "object"}[part.dep_]
            yield verb, _subject(verb), part.left_edge.i, part.right_edge.i, f"{what} reported by {verb.text!r}"
        elif verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX"):
            lo, hi = _outside(verb.head, verb)
            yield verb, _subject(verb), lo, hi, f"clause around the parenthetical {verb.text!r}"
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and tok.nbor().lower_ == "to" and not _inside(tok, marks):
            sources = [c for c in tok.nbor().children if c.dep_ == "pobj"]
            if sources and tok.head.i != tok.i:
                lo, hi = _outside(tok.head, tok)
                yield tok, sources[0], lo, hi, "'according to'"


def _reported_words(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    """Character bounds of tokens lo..hi as reported words (:func:`_content_bounds`),
    or None when they are fewer than two words."""
    start, end = _content_bounds(doc, lo, hi)
    if end - start < 2 or len(doc_text(doc)[start:end].split()) < 2:
        return None
    return start, end


def _lead_into(doc: Doc, lo: int, mark_start: int) -> tuple[int, int] | None:
    """The reported words from token ``lo`` up to the quotation mark at
    ``mark_start`` ("that Trump had" of "that Trump had “left behind ...”"),
    as :func:`_reported_words` gives them."""
    hi = lo
    while hi < len(doc) and doc[hi].idx < mark_start:
        hi += 1
    while hi > lo and doc[hi - 1].is_quote:  # the opening mark itself
        hi -= 1
    return _reported_words(doc, lo, hi - 1)


def _indirect_quotes(doc: Doc, sent_of: list[int], marks: IntervalIndex, verbs: ReportingVerbs) -> list[Quote]:
    quotes = []
    for cue, subject, lo, hi, how in _indirect_candidates(doc, marks, verbs):
        words = _reported_words(doc, lo, hi)
        if words is None:
            continue
        start, end = words
        inside = sorted(marks.overlapping(start, end), key=lambda s: s.start)
        quoted = sum(min(end, s.end) - max(start, s.start) for s in inside)
        if quoted > 0.5 * (end - start):
            # a direct quote already stands for most of it; the reporter's words that lead into it
            # ("X charged that Trump had “...”") are still X's claim, in the reporter's paraphrase
            lead = _lead_into(doc, lo, inside[0].start)
            if lead is None:
                continue
            start, end = lead
            how += ", the words before the quoted part"
        quote = Quote(
            article_id="", quote_id=-1, start=start, end=end, text=doc_text(doc)[start:end], kind="indirect",
            sentence_id=sent_of[lo], confidence=0.75, cue=cue.text, evidence=how,
        )
        if subject is not None:
            quote = _with_speaker(quote, cue, subject)
        else:
            quote = replace(quote, confidence=0.5, evidence=how + "; no speaker found")
        quotes.append(quote)
    return quotes


def extract_quotes(
    doc: Doc,
    mentions: Iterable[Mention] = (),
    article_id: str = "",
    *,
    reporting_verbs: ReportingVerbs | None = None,
) -> list[Quote]:
    """Direct and indirect quotations of an article, with cue and speaker span.

    Parameters
    ----------
    doc
        The parsed article.
    mentions
        Known mentions; a speaker that is one of them gets its actor now
        (pronoun speakers get theirs from :func:`attach_speakers`).
    article_id
        Written into every record.
    reporting_verbs
        Lemmas of reporting verbs; default :func:`load_reporting_verbs`.

    Returns
    -------
    list of Quote
        In text order, numbered from 0; ``kind`` is ``direct`` (between
        quotation marks) or ``indirect`` (a clause reported by a verb,
        around a parenthetical "X said", or after "according to X");
        ``speaker_start == -1`` when no speaker was found.
    """
    verbs = reporting_verbs or load_reporting_verbs()
    sent_of = sentence_ids(doc)
    spans = quote_spans(doc_text(doc))
    marks = IntervalIndex((s.start, s.end, s) for s in spans)
    bounds = sentence_token_bounds(sent_of)
    found = _direct_quotes(doc, sent_of, spans, marks, verbs, bounds) + _indirect_quotes(doc, sent_of, marks, verbs)
    found.sort(key=lambda q: (q.start, q.end))
    numbered = [replace(q, article_id=article_id, quote_id=i) for i, q in enumerate(found)]
    return _attach(numbered, mentions, doc)


def _speaker_mention(q: Quote, index: IntervalIndex) -> tuple[Mention | None, str]:
    """The mention that names the speaker, and how it was chosen.

    The speaker phrase ends with its head word ("White House Press Secretary
    Sarah Sanders", "the Texas governor"): a mention covering the head names
    the speaker; otherwise a registry actor that is no place may modify the
    head ("a Kremlin spokesman" speaks for the Kremlin); a place or an entity
    the registry does not know never does, nor a name after "pro-" or "anti-"
    ("pro-Trump personalities").
    """
    hits = index.overlapping(q.speaker_start, q.speaker_end)
    at_head = [m for m in hits if m.start <= q.speaker_end - 1 < m.end]
    if at_head:
        best = max(at_head, key=lambda m: (m.confidence, m.end - m.start))
        return best, "the mention at the head of the speaker phrase"
    # "pro-Trump personalities", "anti-Clinton protesters": people for or against the actor, not it
    modifiers = [m for m in hits if m.actor not in ("", OTHER_ACTOR) and m.ner_label not in _PLACE_LABELS
                 and not q.speaker_text[:max(m.start - q.speaker_start, 0)].lower().endswith(_FOR_OR_AGAINST)]
    head = q.speaker_text.split()[-1].lower().strip(".,;:'’") if q.speaker_text.split() else ""
    if modifiers and head not in NOT_SPEAKING_FOR:
        best = max(modifiers, key=lambda m: (m.confidence, m.end - m.start))
        return best, f"speaks for {best.text!r} (a modifier of the speaker phrase)"
    return None, ""


#: Prefixes that make a name in a speaker phrase say what the speakers are for or against.
_FOR_OR_AGAINST = ("pro-", "anti-", "pro -", "anti -")
#: Head nouns that say something about the actor who modifies them, not someone who
#: speaks for it: "Sestak's opponent", "his successor", "Mr. Braley's apology",
#: "McCarthy supporters", "Mr. Trump's adoring fans".
NOT_SPEAKING_FOR = frozenset({
    "supporter", "supporters", "fan", "fans", "follower", "followers", "ally", "allies", "backer", "backers",
    "loyalist", "loyalists", "voter", "voters", "donor", "donors", "base",
    "opponent", "opponents", "rival", "rivals", "challenger", "challengers", "successor", "predecessor", "critic",
    "critics", "accuser", "accusers", "victim", "victims", "apology", "loss", "defeat", "win", "victory", "visit",
    "record", "defense", "defence", "one", "resignation", "death", "arrest", "trial", "probe", "investigation",
    "inquiry", "indictment", "case", "critique", "detractors", "enemies", "enemy"})

#: Head nouns of a role held for someone ("NAACP president X", "X, a spokeswoman for
#: the Obama campaign"): a person the registry does not know who holds such a role
#: for a registry actor speaks for that actor.
AFFILIATION_ROLES = frozenset({
    "spokesman", "spokeswoman", "spokesperson", "aide", "adviser", "advisor", "lawyer", "attorney", "counsel",
    "president", "chairman", "chairwoman", "chair", "director", "head", "leader", "member", "official",
    "secretary", "manager", "strategist", "executive", "founder", "officer", "deputy", "staffer", "organizer",
    "coordinator", "ambassador", "envoy", "representative", "chief", "treasurer", "operative", "pollster"})

#: Head nouns of texts that speak for their author ("the ad says", "the letter reads").
#: Their speaker is the author where the article names one: in the phrase ("Romney's
#: ad"), or at an earlier mention of the same text ("the campaign released an ad",
#: "a letter from 90 faculty members").
AUTHORED_TEXTS = {
    "statement": "statement", "letter": "letter", "ad": "ad", "advertisement": "ad", "commercial": "ad",
    "spot": "ad", "resolution": "resolution", "release": "release", "tweet": "tweet", "post": "post",
    "posting": "post", "email": "email", "memo": "memo", "lawsuit": "lawsuit", "suit": "lawsuit",
    "petition": "petition", "video": "video", "op-ed": "op-ed", "editorial": "editorial", "message": "message",
}
_AUTHOR_VERB_DEPS = ("dobj", "nsubjpass")
_AUTHOR_LOOKBACK = 400  # tokens before the quote searched for the text's first mention


def _at(index: IntervalIndex, token: Token) -> Mention | None:
    hits = [m for m in index.overlapping(token.idx, token.idx + len(token.text))
            if m.ner_label not in _PLACE_LABELS]
    return max(hits, key=lambda m: (m.actor not in ("", OTHER_ACTOR), m.confidence, m.end - m.start), default=None)


def _registry_at(index: IntervalIndex, tokens: Iterable[Token]) -> Mention | None:
    found = [m for t in tokens if (m := _at(index, t)) is not None and m.actor not in ("", OTHER_ACTOR)]
    return max(found, key=lambda m: (m.confidence, m.end - m.start), default=None)


def _affiliation(doc: Doc, q: Quote, index: IntervalIndex, person: Mention,
                 mentions: list[Mention]) -> tuple[Mention | None, str]:
    """The registry actor a person outside the registry speaks for: named with
    a role in the speaker phrase ("NAACP President X", "Trump spokeswoman X")
    or in an apposition ("X, a spokeswoman for the Obama campaign"), here or
    where the article names the person before ("he added", "Smith said")."""
    if person.method != "pronoun":
        span = doc.char_span(q.speaker_start, q.speaker_end, alignment_mode="expand")
        if span is not None and len(span):
            owner, why = _role_owner(doc, span, index, person)
            if owner is not None:
                return owner, why
    name = (person.canonical or person.text).split()
    for named in mentions:
        if named.start >= person.start or named.actor != OTHER_ACTOR or named.method == "pronoun":
            continue
        words = (named.canonical or named.text).split()
        if not words or not name or (words != name and not (len(name) == 1 and words[-1] == name[0])):
            continue  # the same person: the same name, or the surname of the full name
        span = doc.char_span(named.start, named.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        root = span.root
        phrase = doc[min([root.i, *(c.left_edge.i for c in root.lefts if c.dep_ in ("compound", "amod"))]):
                     root.i + 1]
        owner, why = _role_owner(doc, phrase, index, named)
        if owner is not None:
            return owner, f"{why}, of {named.text!r} ({person.text!r} here)"
    return None, ""


def _role_owner(doc: Doc, span, index: IntervalIndex, person: Mention) -> tuple[Mention | None, str]:
    root = span.root
    if root.dep_ == "appos" and root.head.lemma_.lower() in AFFILIATION_ROLES:  # "Grimm's attorney, William X"
        owner = _registry_at(index, _role_owners(root.head))
        if owner is not None:
            return owner, f"speaks for {owner.text!r} (named as {root.head.text!r})"
    if any(t.lemma_.lower() in AFFILIATION_ROLES for t in span):
        owner = _registry_at(index, [t for t in span if not person.start <= t.idx < person.end])
        if owner is not None:
            return owner, f"speaks for {owner.text!r} (a role named in the speaker phrase)"
    for appos in (c for c in span.root.children if c.dep_ == "appos"):
        if appos.lemma_.lower() not in AFFILIATION_ROLES:
            continue
        owner = _registry_at(index, _role_owners(appos))
        if owner is not None and not appos.i < _token_at(doc, owner.start) <= appos.i + 1:
            return owner, f"speaks for {owner.text!r} ({appos.text!r} in an apposition)"
    return None, ""


def _token_at(doc: Doc, char: int) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else -1


def _role_owners(role: Token, depth: int = 2) -> list[Token]:
    """Words naming whom a role is held for: "X's spokesman", "the X director",
    "a spokeswoman for X", "director of communications for X" (not words
    further down the phrase, such as a relative clause)."""
    out = []
    for c in role.children:
        if c.dep_ in ("poss", "compound"):
            out += list(c.subtree)
        elif c.dep_ == "prep" and c.lower_ in ("for", "of", "at", "to", "with") and depth:
            for obj in (g for g in c.children if g.dep_ == "pobj"):
                out += [t for t in obj.lefts if t.dep_ in ("poss", "compound", "amod", "det")]
                out.append(obj)
                out += _role_owners(obj, depth - 1)
    return out


def _owner_of(text_token: Token, index: IntervalIndex) -> Mention | None:
    """Who wrote a text named at ``text_token``: its possessor or a name
    compounded with it, "by/from X", "released by X", or the subject of the
    verb that put it out ("X released an ad", "an ad was released by X", "X
    said in a statement", "X hit back with an ad")."""
    for c in text_token.children:
        if c.dep_ in ("poss", "compound") and (m := _at(index, c)) is not None:
            return m
        if c.dep_ == "prep" and c.lower_ in ("by", "from") and (m := _object_at(c, index)) is not None:
            return m
    for c in text_token.children:  # "a statement released by X"
        if c.dep_ == "acl":
            for agent in (g for g in c.children if g.dep_ == "agent"):
                if (m := _object_at(agent, index)) is not None:
                    return m
    verb = None
    if text_token.dep_ in _AUTHOR_VERB_DEPS:
        verb = text_token.head
    elif text_token.dep_ == "pobj" and text_token.head.lower_ in ("in", "with", "through", "via"):
        verb = text_token.head.head  # "X said in a statement", "X hit back with an ad"
    if verb is not None and verb.pos_ in ("VERB", "AUX"):
        for c in verb.children:
            if c.dep_ == "nsubj" and (m := _at(index, c)) is not None:
                return m
            if c.dep_ == "agent" and (m := _object_at(c, index)) is not None:
                return m
    return None


def _object_at(preposition: Token, index: IntervalIndex) -> Mention | None:
    """The mention naming the object of a preposition ("by X", "from X")."""
    return next((m for obj in preposition.children if obj.dep_ == "pobj" and (m := _at(index, obj)) is not None),
                None)


def _author(doc: Doc, q: Quote, index: IntervalIndex) -> tuple[Mention | None, str]:
    """The author of a text that speaks ("the ad says"): named with the text
    here or at the nearest earlier mention of the same kind of text."""
    span = doc.char_span(q.speaker_start, q.speaker_end, alignment_mode="expand")
    if span is None or not len(span):
        return None, ""
    head = span.root
    kind = AUTHORED_TEXTS.get(head.lemma_.lower())
    if kind is None:
        return None, ""
    owner = _owner_of(head, index)
    if owner is not None:
        return owner, f"{head.text!r} is by {owner.text!r}"
    for t in reversed(doc[max(head.i - _AUTHOR_LOOKBACK, 0): head.i]):
        if AUTHORED_TEXTS.get(t.lemma_.lower()) == kind and (owner := _owner_of(t, index)) is not None:
            return owner, f"{head.text!r} is the {t.text!r} by {owner.text!r} of the sentence {t.sent.text[:60]!r}"
    return None, ""


def _noted(evidence: str, note: str) -> str:
    """``evidence`` with ``note`` added once (speakers are attached twice: before and after coref)."""
    return evidence if note in evidence else f"{evidence}; {note}"


def _attach(quotes: list[Quote], mentions: Iterable[Mention], doc: Doc | None = None, *,
            going_on: bool = False) -> list[Quote]:
    mentions = [m for m in mentions if m.actor]
    index = IntervalIndex((m.start, m.end, m) for m in mentions)
    out = []
    for q in quotes:
        if q.speaker_start < 0:
            out.append(replace(q, speaker_kind="none"))
            continue
        best, how = _speaker_mention(q, index)
        if best is not None and best.actor == OTHER_ACTOR and doc is not None:
            owner, why = _affiliation(doc, q, index, best, mentions)
            if owner is not None:
                q = replace(q, speaker=best.canonical or best.text, speaker_actor=owner.actor, speaker_kind="named",
                            evidence=_noted(q.evidence, why))
                out.append(q)
                continue
        if best is not None and best.actor == OTHER_ACTOR and best.method == "pronoun":
            # a pronoun resolved to someone outside the registry: too unsure to name them as the speaker
            out.append(replace(q, speaker=q.speaker_text, speaker_actor="", speaker_kind="unresolved",
                               evidence=_noted(q.evidence, f"{best.text!r} most likely refers to "
                                                          f"{best.canonical!r}, who is not in the registry")))
            continue
        if best is None and doc is not None:
            best, how = _author(doc, q, index)
        if best is not None and best.method == "ambiguous":
            q = replace(q, speaker=q.speaker_text, speaker_actor="", speaker_kind="unresolved",
                        evidence=f"{q.evidence}; speaker {best.text!r} is ambiguous: {best.evidence}")
        elif best is not None:
            q = replace(q, speaker=best.canonical or best.text, speaker_actor=best.actor, speaker_kind="named",
                        evidence=q.evidence if how.startswith("the mention") else _noted(q.evidence, how))
        else:
            pronoun = " " not in q.speaker_text.strip() and q.speaker_text.strip().lower() in _PRONOUNS
            q = replace(q, speaker=q.speaker or q.speaker_text, speaker_kind="unresolved" if pronoun else "unnamed")
        out.append(q)
    return _same_speaker_goes_on(out, mentions, doc) if going_on else out


#: Cues that say the speaker of the quote before goes on ('"...," he added').
_GOING_ON = frozenset({"added", "adds", "continued", "continues"})
_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}


def _same_speaker_goes_on(quotes: list[Quote], mentions: list[Mention], doc: Doc | None) -> list[Quote]:
    """'"...," he added' after a quote of X, with no better antecedent found (or
    with a cue that says the speaker goes on): X speaks, where X's pronouns
    agree and the quote before ended at most two sentences earlier."""
    if doc is None:
        return quotes
    genders: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.method in ("pronoun", "speaker") and m.text.lower() in _GENDER:
            genders[m.actor].add(_GENDER[m.text.lower()])
    sent_of = sentence_ids(doc)
    out, before = [], None
    for q in quotes:
        word = q.speaker_text.strip().lower()
        going_on = q.cue.lower() in _GOING_ON or q.evidence.startswith("no cue of its own")
        known = genders.get(before.speaker_actor if before is not None else "", set())
        # a pronoun no one was found for, or one whose cue says the speaker goes on; the speaker
        # before must be someone the article calls "he" (or "she") and never the other
        open_pronoun = q.speaker_kind == "unresolved" and "most likely refers to" not in q.evidence
        if (word in ("he", "she") and before is not None and before.speaker_actor != q.speaker_actor
                and (open_pronoun or going_on) and known == {_GENDER[word]}):
            last = doc.char_span(before.start, before.end, alignment_mode="expand")
            first = doc.char_span(q.start, q.end, alignment_mode="expand")
            if last is not None and first is not None and len(last) and len(first) and (
                    0 <= sent_of[first.start] - sent_of[last.end - 1] <= 2):
                q = replace(q, speaker=before.speaker, speaker_actor=before.speaker_actor, speaker_kind="named",
                            evidence=_noted(q.evidence, f"{q.speaker_text!r} goes on from the quote before, "
                                                        f"of {before.speaker!r}"))
        out.append(q)
        if q.speaker_kind == "named" and q.speaker_actor not in ("", OTHER_ACTOR):
            before = q
    return out


_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "you", "who", "this", "that", "one", "someone",
                       "him", "her", "them"})


def attach_speakers(quotes: Iterable[Quote], mentions: Iterable[Mention], doc: Doc | None = None) -> list[Quote]:
    """Give each quote the actor of the mention that names its speaker, and a speaker kind.

    Run after pronoun resolution so that "he told reporters" gets the actor
    "he" was resolved to. ``speaker_kind`` is ``named`` (a mention names the
    speaker), ``unnamed`` (a description or a generic source that is no
    mention: "officials", "a spokesman", "analysts"), ``unresolved`` (a
    pronoun with no antecedent, or a surname shared by several people) or
    ``none`` (no speaker found). Speakers that are no mention keep their own
    text as ``speaker`` and an empty ``speaker_actor``.

    With the parsed article (``doc``), a person the registry does not know
    who is named with a role for a registry actor ("NAACP President X",
    "X, a spokeswoman for the Obama campaign") speaks for that actor, and a
    text that speaks ("the ad says") speaks for its author where the article
    names one (see ``AFFILIATION_ROLES`` and ``AUTHORED_TEXTS``); and
    '"...," he added' right after a quote of X, where the article calls X
    "he", is X's, when no one else was found for "he" or the cue says the
    speaker goes on ("added", "continued").
    """
    return _attach([replace(q, speaker="", speaker_actor="") for q in quotes], list(mentions), doc, going_on=True)
