"""The two kinds of failed request, as the adapter declares them (src/protocol/errors.ts; the
protocol drift test fails when the ids here differ from those).

RequestError is the client's mistake (a wrong or missing argument, an unknown frame): a plain
message with a stable id. Anything else a handler raises is a fault of pdap's: answered with
INTERNAL and showUser false, its traceback written to the agent's log.
"""
from __future__ import annotations

BAD_ARGUMENTS = 1001
UNKNOWN_REQUEST = 1002
NO_PROGRAM = 1003
UNKNOWN_REFERENCE = 1004
WRONG_STATE = 1005
EVALUATION_FAILED = 1006
REFUSED = 1007
START_FAILED = 1008
ACCESS_DENIED = 1009
INTERNAL = 9000

# camelCase names as src/protocol/errors.ts spells them: the drift test compares the two
ERROR_IDS = {
    "badArguments": BAD_ARGUMENTS,
    "unknownRequest": UNKNOWN_REQUEST,
    "noProgram": NO_PROGRAM,
    "unknownReference": UNKNOWN_REFERENCE,
    "wrongState": WRONG_STATE,
    "evaluationFailed": EVALUATION_FAILED,
    "refused": REFUSED,
    "startFailed": START_FAILED,
    "accessDenied": ACCESS_DENIED,
    "internal": INTERNAL,
}


class RequestError(Exception):
    """A request the client got wrong, answered with `message` and a stable error id."""

    def __init__(self, message: str, error_id: int = BAD_ARGUMENTS) -> None:
        super().__init__(message)
        self.message = message
        self.error_id = error_id

    def __str__(self) -> str:
        return self.message


class UnknownReference(RequestError, LookupError):
    """A thread, frame or variablesReference that does not exist (now). A LookupError too: code
    that probes for one (pause's target, the timeline's past-or-live choice) catches it as such."""

    def __init__(self, message: str, error_id: int = UNKNOWN_REFERENCE) -> None:
        super().__init__(message, error_id)
