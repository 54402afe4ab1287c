"""A synthetic news corpus for benchmarks and stress tests, from sentence
templates written for this project (no third-party text).

Every article is a few paragraphs about invented actors of an invented
dispute, with names, pronouns, direct and reported quotes, so that every
stage has work to do. Numbers drawn into most sentences keep sentences from
repeating across the corpus, so caches keyed by sentence text (the sentiment
model's predictions) do not flatter the figures. Deterministic for a given seed.

    python bench/synthetic.py OUT_DIR --articles 100 [--words 700] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

REGISTRY = """# Actors of the synthetic benchmark corpus (invented).
actors:
  council:
    label: Harbour Council
    kind: organisation
    pronoun: it
    names: [Harbour Council]
    metonyms: [{text: Town Hall, stands_for: the council}]
  mayor:
    label: Ana Ortiz
    kind: person
    pronoun: she
    names: [Ana Ortiz]
  union:
    label: Dockworkers Union
    kind: group
    pronoun: they
    names: [Dockworkers Union]
    members: [{name: Tomas Brennaker, pronoun: he}]
    group_nouns: [the dockers, the dockworkers]
  minister:
    label: Minister Karl Vinter
    kind: person
    pronoun: he
    names: [Karl Vinter]
"""

SENTENCES = [
    "{A} met {B} on {day} to discuss the future of berth {n}.",
    "{A} said the {n} hours of talks with {B} had been difficult but useful.",
    "\u201cWe will not accept a deal that hurts {n} families,\u201d {A} told reporters.",
    "According to {A}, the {n} new cranes will arrive before the winter storms.",
    "{A} accused {B} of hiding the real cost of the project, some {n} million.",
    "The {n} dockers, {A} said, have every right to be angry.",
    "{A} praised {B} for a brave and honest decision on berth {n}.",
    "Critics say {A} has shown no remorse for the {n} closures.",
    "{A} thanked {B} for the support of the last {n} weeks.",
    "\u201cThis is a good day for the harbour,\u201d {A} said. \u201cAll {n} of us worked hard for it.\u201d",
    "Later that week {A} warned that the strike could cost {n} jobs.",
    "The Town Hall has promised to publish the budget of {n} million in {month}.",
    "{A} and {B} will meet again on {month} {day_n}, officials said.",
    "Few expect a quick agreement, and many fear a long and bitter dispute.",
    "She said the {month} plan was fair, and he called it a \u201cdisgrace\u201d for {n} families.",
    "They have asked the minister to intervene before the {n} ships leave.",
]
NAMES = ["Ana Ortiz", "Ortiz", "the Harbour Council", "the Dockworkers Union", "Tomas Brennaker", "Brennaker",
         "Karl Vinter", "the minister", "the dockers", "the Town Hall"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["March", "June", "September", "December"]


def article_text(rng: random.Random, words: int) -> str:
    """Paragraphs of two to four sentences until about ``words`` words."""
    paragraphs, count = [], 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            a, b = rng.sample(NAMES, 2)
            s = rng.choice(SENTENCES).format(A=a, B=b, day=rng.choice(DAYS), month=rng.choice(MONTHS),
                                              n=rng.randint(2, 9999), day_n=rng.randint(1, 28))
            sentences.append(s[0].upper() + s[1:])
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n".join(paragraphs)


def write_corpus(out: Path, articles: int, words: int = 700, seed: int = 1) -> Path:
    """Write ``articles`` article files and ``actors.yaml`` under ``out``; returns ``out``."""
    rng = random.Random(seed)
    folder = out / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    (out / "actors.yaml").write_text(REGISTRY, encoding="utf-8")
    for i in range(articles):
        text = article_text(rng, words)
        front = (f"---\nid: synthetic-{i:05d}\ntitle: Synthetic harbour story {i}\noutlet: Constructed\n"
                 f"constructed: true\n---\n")
        (folder / f"synthetic-{i:05d}.md").write_text(front + text + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--words", type=int, default=700)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_corpus(args.out, args.articles, args.words, args.seed)


if __name__ == "__main__":
    main()
