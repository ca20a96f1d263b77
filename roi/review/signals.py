"""What the review announces, so that work above it (documents, queues) can follow.

Sent only once the transaction that made the change has committed.
"""

from django.dispatch import Signal

# A version was approved and frozen (inputs and results); its PDF is still to be rendered:
# ``version_id``.
version_approved = Signal()
