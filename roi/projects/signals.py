"""What the projects domain announces, so that work above it (documents, queues) can follow.

Sent only once the transaction that made the change has committed.
"""

from django.dispatch import Signal

# A project's inputs (figures, lines, answers, settings) changed: ``project_id``.
inputs_changed = Signal()
