"""Signals of the org tree, for apps that keep per-org rows in step with it (reports)."""

from django.dispatch import Signal

# Sent inside the transaction after orgs were created, moved or re-activated, with ``paths``: the
# org paths (subtree roots) whose orgs may now be expected to report, and ``actor``.
tree_changed = Signal()
