"""Analysis of a coded project: plain functions that take a Project and return values.

* :func:`coder.analysis.frequencies.frequencies` — codings and sources per code, rolled up the
  hierarchy;
* :func:`coder.analysis.cooccurrence.cooccurrence` — code pairs by segment overlap, sentence,
  turn or source, with Jaccard;
* :func:`coder.analysis.matrix.matrix` — code × case or code × attribute, counts and shares;
* :func:`coder.analysis.saturation.saturation` — new codes per source, the held-out check and
  Guest et al.'s stopping rule;
* :func:`coder.analysis.paradigm.paradigm` (and ``paradigm_views``) — a category's place in the
  paradigm model; :func:`coder.analysis.paradigm.selective_check` — the core category, its
  storyline, and what is not yet related to it.

``coder stats`` (:mod:`coder.cli.analysis`) prints them. The package imports nothing at import
time, so ``coder --help`` stays fast; sentences load jieba and spaCy only when asked for.
"""
