"""Per-actor discourse analysis of news: who is mentioned, who speaks, and how.

The verbs a notebook needs are re-exported here; each stage lives in its own
module (``corpus``, ``actors``, ``nlp``, ``mentions``, ``quotes``, ``coref``,
``concordance``, ``plots``) and ``pipeline`` wires them.

>>> from analysis import load_corpus, load_actors, analyze
>>> result = analyze(load_corpus("corpus"), load_actors("corpus/actors.yaml"), progress=False)
>>> int((result.mentions.actor == "nato").sum()) >= 2
True
"""

from .actors import load_actors
from .corpus import load_corpus, scan_corpus
from .pipeline import analyze

__all__ = ["load_corpus", "scan_corpus", "load_actors", "analyze"]
__version__ = "0.1.0"
