"""Source sets: named, project-level saved lists of sources (a sample to hand-code, a batch to
review), in order, so a coder can work through them ("next uncoded in the set").

A set is kept as the setting ``set:NAME`` (JSON: guid, sources by guid, how it was made), so it is
written in one change with its history event and undone like any other; sources are named by
guid, which survives copying a project to a server and merging copies. Sets export as REFI-QDA
``<Sets>`` (see :func:`coder.exchange.refi.sets.sets_element`).
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from coder.errors import InvalidInput, NotFound
from coder.i18n import _
from coder.store.core import FacadeCore
from coder.store.schema import settings, source_attributes, sources

SET_PREFIX = "set:"


@dataclass(frozen=True, slots=True)
class SourceSet:
    name: str
    guid: str
    sources: tuple[int, ...]
    """Source ids in the set's order (sources removed since are left out)."""
    description: str = ""
    seed: int | None = None
    by: str | None = None
    created: float = 0.0


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """A stratified sample's size per stratum: proportional to the strata's sizes, rounded by the
    largest remainder, never more than a stratum holds."""
    total = sum(sizes.values())
    if n >= total:
        return dict(sizes)
    exact = {k: n * v / total for k, v in sizes.items()}
    quota = {k: int(x) for k, x in exact.items()}
    left = n - sum(quota.values())
    for k in sorted(sizes, key=lambda k: (-(exact[k] - quota[k]), k)):
        if left <= 0:
            break
        if quota[k] < sizes[k]:
            quota[k] += 1
            left -= 1
    return quota


class SetOps(FacadeCore):
    """Mixed into :class:`coder.project.Project`."""

    def sample(
        self,
        n: int,
        *,
        by: str | None = None,
        seed: int | None = None,
        name: str | None = None,
    ) -> SourceSet:
        """A random sample of ``n`` sources (stratified by attribute ``by``: each value's share of
        the sample is its share of the sources) saved as the set ``name``."""
        if n < 1:
            raise InvalidInput(_("a sample needs at least one source; nothing was changed"))
        seed = random.SystemRandom().randrange(1, 10**6) if seed is None else seed
        name = (name or f"sample {n}" + (f" by {by}" if by else "")).strip()
        with self.read() as conn:
            rows = conn.execute(
                select(sources.c.id, sources.c.guid).order_by(sources.c.position)
            ).all()
            values: dict[int, str] = {}
            if by:
                values = dict(
                    conn.execute(
                        select(source_attributes.c.source_id, source_attributes.c.value).where(
                            source_attributes.c.name == by
                        )
                    ).all()
                )
                if not values:
                    raise InvalidInput(
                        _("--by {by!r}: no source has that attribute; nothing was changed").format(
                            by=by
                        )
                    )
        if not rows:
            raise InvalidInput(_("the project has no sources to sample; nothing was changed"))
        rng = random.Random(seed)
        ids = [r[0] for r in rows]
        if by:
            strata: dict[str, list[int]] = {}
            for sid in ids:
                strata.setdefault(values.get(sid, ""), []).append(sid)
            quota = allocate({k: len(v) for k, v in strata.items()}, n)
            picked = set()
            for key in sorted(strata):
                picked.update(rng.sample(strata[key], quota[key]))
        else:
            picked = set(rng.sample(ids, min(n, len(ids))))
        chosen = [sid for sid in ids if sid in picked]
        guid_of = dict(rows)
        how = f"{len(chosen)} of {len(ids)} sources, seed {seed}" + (
            f", stratified by {by}" if by else ""
        )
        body: dict[str, Any] = {
            "guid": str(uuid.uuid4()),
            "sources": [guid_of[s] for s in chosen],
            "description": how,
            "seed": seed,
            "by": by,
            "created": time.time(),
        }
        key = SET_PREFIX + name
        with self.change("sample", f"sample set {name}: {how}") as ch:
            if ch.conn.execute(select(settings.c.key).where(settings.c.key == key)).first():
                raise InvalidInput(
                    _(
                        "a set named {name!r} exists already (give another --name); nothing was changed"
                    ).format(name=name)
                )
            ch.insert(settings, {"key": key, "value": json.dumps(body, ensure_ascii=False)})
        return SourceSet(name, body["guid"], tuple(chosen), how, seed, by, body["created"])

    def make_set(self, name: str, members: Sequence[int], *, description: str = "") -> SourceSet:
        """Save the sources ``members`` (ids, in this order; repeats kept once) as the set
        ``name`` (the hits of a query, a hand-picked list)."""
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidInput(_("a set needs a name of 1 to 200 characters; nothing was changed"))
        chosen = list(dict.fromkeys(members))
        if not chosen:
            raise InvalidInput(_("a set needs at least one source; nothing was changed"))
        key = SET_PREFIX + name
        with self.change("make-set", f"set {name}: {len(chosen)} sources") as ch:
            guid_of = dict(ch.conn.execute(select(sources.c.id, sources.c.guid)).all())
            unknown = [s for s in chosen if s not in guid_of]
            if unknown:
                raise NotFound(
                    _("no source with id {unknown}; nothing was changed").format(unknown=unknown[0])
                )
            if ch.conn.execute(select(settings.c.key).where(settings.c.key == key)).first():
                raise InvalidInput(
                    _(
                        "a set named {name!r} exists already (give another name); nothing was changed"
                    ).format(name=name)
                )
            body: dict[str, Any] = {
                "guid": str(uuid.uuid4()),
                "sources": [guid_of[s] for s in chosen],
                "description": description,
                "seed": None,
                "by": None,
                "created": time.time(),
            }
            ch.insert(settings, {"key": key, "value": json.dumps(body, ensure_ascii=False)})
        return SourceSet(
            name, body["guid"], tuple(chosen), description, None, None, body["created"]
        )

    def sets(self) -> list[SourceSet]:
        """Every source set, by name."""
        with self.read() as conn:
            raw = conn.execute(
                select(settings.c.key, settings.c.value)
                .where(settings.c.key.like(SET_PREFIX + "%"))
                .order_by(settings.c.key)
            ).all()
            ids = dict(conn.execute(select(sources.c.guid, sources.c.id)).all()) if raw else {}
        out = []
        for key, value in raw:
            body = json.loads(value)
            members = tuple(ids[g] for g in body.get("sources", []) if g in ids)
            out.append(
                SourceSet(
                    key[len(SET_PREFIX) :],
                    str(body.get("guid", "")),
                    members,
                    str(body.get("description", "")),
                    body.get("seed"),
                    body.get("by"),
                    float(body.get("created", 0.0)),
                )
            )
        return out

    def source_set(self, name: str) -> SourceSet:
        for s in self.sets():
            if s.name == name:
                return s
        raise NotFound(_("no source set named {name!r}").format(name=name))

    def next_uncoded(self, name: str, after: int | None = None) -> int | None:
        """The first source of the set (after source ``after``) that nobody has coded yet."""
        from coder.store.schema import codings

        members = list(self.source_set(name).sources)
        if after is not None and after in members:
            members = members[members.index(after) + 1 :]
        with self.read() as conn:
            coded = set(conn.execute(select(codings.c.source_id).distinct()).scalars())
        return next((s for s in members if s not in coded), None)
