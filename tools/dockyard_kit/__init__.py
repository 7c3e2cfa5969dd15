"""dockyard's image kit: make every image the tests use available on the local engine.

Online it takes official images; where no registry answers it builds stand-ins from the
distribution packages of the host's configured mirror. Results are cached by recipe hash.
"""

__all__ = ["KitError"]


class KitError(Exception):
    """A failure the user can act on; the message names the image and the step."""
