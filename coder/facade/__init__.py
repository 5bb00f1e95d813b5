"""The Project facade, split by subject: each module is a mixin of :class:`coder.project.Project`."""
