"""The one exception a business rule raises to refuse an operation."""


class ServiceError(Exception):
    """A business rule refused the operation; the message is shown to the user as it is."""
