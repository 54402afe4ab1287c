"""Per-actor discourse analysis of news: who is mentioned, who speaks, and how.

The verbs a notebook needs are re-exported here: read a corpus and its actors,
analyse, summarise, look into the text. Each stage lives in its own module
(``mentions``, ``quotes``, ``coref``, ``sentiment``, ``stance``, ``roles``,
``framing``), ``pipeline`` wires them, ``summaries`` turns their rows into
actor summaries and the stance network, and ``plots`` draws them.

>>> from analysis import load_corpus, load_actors, analyze
>>> result = analyze(load_corpus("corpus"), load_actors("corpus/actors.yaml"), progress=False)
>>> int((result.mentions.actor == "nato").sum()) >= 2
True
"""

from .actors import load_actors
from .concordance import collocates, keyness, kwic, word_concordance
from .corpus import load_corpus, scan_corpus
from .framing import leading_frames, load_frame_scheme
from .pipeline import analyze
from .summaries import speaker_shares, stance_graph, stance_matrix, summarize_sentiment, summarize_stance

__all__ = [
    "load_corpus",
    "scan_corpus",
    "load_actors",
    "analyze",
    "summarize_sentiment",
    "summarize_stance",
    "stance_graph",
    "stance_matrix",
    "speaker_shares",
    "kwic",
    "word_concordance",
    "collocates",
    "keyness",
    "load_frame_scheme",
    "leading_frames",
]
__version__ = "0.1.0"
