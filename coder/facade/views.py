"""Read-only queries that the workbench's screens show: how much of each source is coded, and the
memos on a source's codings. They read the store here, so that no screen needs its schema."""

from __future__ import annotations

from sqlalchemy import select

from coder.store.core import ProjectCore
from coder.store.schema import codings, sources


class ViewOps(ProjectCore):
    """Mixed into :class:`coder.project.Project`."""

    def coded_shares(self) -> dict[int, float]:
        """The share of each source's text that is coded by anyone, by source id (0.0 for a
        source without codings). Overlapping codings count their characters once."""
        with self.read() as conn:
            chars = dict(conn.execute(select(sources.c.id, sources.c.chars)).all())
            rows = conn.execute(
                select(codings.c.source_id, codings.c.start, codings.c.end).order_by(
                    codings.c.source_id, codings.c.start
                )
            )
            covered: dict[int, int] = {}
            reach: dict[int, int] = {}
            for sid, start, end in rows:
                # Sorted by start: a coding adds only what reaches past the furthest end so far.
                far = reach.get(sid, -1)
                if end > far:
                    covered[sid] = covered.get(sid, 0) + end - max(start, far)
                    reach[sid] = end
        return {sid: covered.get(sid, 0) / max(n, 1) for sid, n in chars.items()}

    def coding_memos(self, source_id: int) -> dict[int, str]:
        """The memos on a source's codings, by coding id (codings without a memo left out)."""
        with self.read() as conn:
            rows = conn.execute(
                select(codings.c.id, codings.c.memo).where(
                    codings.c.source_id == source_id, codings.c.memo != ""
                )
            ).all()
        return {cid: memo for cid, memo in rows}
