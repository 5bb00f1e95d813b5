"""Discovery: candidate concepts in the text not yet coded, as NMF topics of jieba words.

Each candidate has its top terms, the passages where it is strongest, and candidate in-vivo
names: the participants' own phrases (adjacent top terms as they occur in those passages).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from coder.assist import service
from coder.errors import InvalidInput
from coder.i18n import _, units_word

if TYPE_CHECKING:
    from coder.project import Project


@dataclass
class Candidate:
    terms: list[str]
    names: list[str]
    passages: list[dict[str, Any]]
    weight: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "terms": self.terms,
            "names": self.names,
            "passages": self.passages,
            "weight": round(self.weight, 4),
        }


def discover(
    project: Project, *, unit: str = "sentence", k: int = 8, top: int = 8, seed: int = 0
) -> list[Candidate]:
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    from coder.text.frequency import countable

    units = service.project_units(project, unit)
    _x, coded = service.training_set(project, units, service.training_coders(project, None))
    rows = np.flatnonzero(~coded)
    stop = frozenset(project.stopwords())
    docs = [
        [f[2:] for f in units.features[i] if f.startswith("w:") and countable(f[2:], stop)]
        for i in rows
    ]
    keep = [j for j, d in enumerate(docs) if d]
    if len(keep) < max(k, 2):
        raise InvalidInput(
            _(
                "too little uncoded text ({n_keep} {units} with words) to find {k} candidates; "
                "nothing was changed"
            ).format(n_keep=len(keep), units=units_word(unit), k=k)
        )
    vec = TfidfVectorizer(
        analyzer=lambda x: x, sublinear_tf=True, min_df=2 if len(keep) > 50 else 1, max_df=0.5
    )
    x = vec.fit_transform([docs[j] for j in keep])
    k = min(k, x.shape[1] - 1, len(keep) - 1)
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    w = nmf.fit_transform(x)
    vocab = vec.get_feature_names_out()
    out = []
    for t in range(k):
        terms = [str(vocab[j]) for j in np.argsort(-nmf.components_[t])[:top]]
        strongest = np.argsort(-w[:, t])[:5]
        passages = []
        names: Counter[str] = Counter()
        for j in strongest:
            if w[j, t] <= 0:
                break
            i = int(rows[keep[j]])
            text = units.texts[i]
            passages.append(
                {
                    "source": units.names.get(int(units.source_ids[i])),
                    "start": int(units.starts[i]),
                    "end": int(units.ends[i]),
                    "text": text,
                    "weight": round(float(w[j, t]), 4),
                }
            )
            ws = docs[keep[j]]
            for a, b in zip(ws, ws[1:], strict=False):
                if a in terms[:4] or b in terms[:4]:
                    if a + b in text:
                        names[a + b] += 1
        named = [n for n, c in names.most_common(3)] or terms[:1]
        out.append(Candidate(terms, named, passages, float(w[:, t].sum())))
    out.sort(key=lambda c: -c.weight)
    return out
