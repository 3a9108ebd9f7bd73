"""Why possible victims' records are read, in the API: the justification every read of them asks for.

The API keeps no session, so every read brings its own reason: one record, a list, a search, an export,
a case bundle with victims, a victim's evidence file (``audit.consultation`` says why the reason is asked).
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException

from api.base import ErrorSerializer
from audit.consultation import HEADER as JUSTIFICATION_HEADER
from audit.consultation import MAX_LENGTH as JUSTIFICATION_MAX_LENGTH
from audit.consultation import MIN_LENGTH as JUSTIFICATION_MIN_LENGTH
from audit.consultation import QUERY_PARAMETER as JUSTIFICATION_PARAMETER
from audit.consultation import clean_justification
from operations.record_api import CSV_RESPONSE

from .serializers import VictimSerializer


class JustificationRequired(APIException):
    status_code = 428
    default_code = "justification_required"
    default_detail = (
        f"Reading possible victims' records needs a justification: say why in the {JUSTIFICATION_HEADER} header "
        f"(ASCII) or the `{JUSTIFICATION_PARAMETER}` query parameter, at least {JUSTIFICATION_MIN_LENGTH} characters "
        "other than spaces. It is recorded in the audit trail with your name."
    )


# What the code takes as a reason, said in the schema: at most MAX_LENGTH characters, of which at least
# MIN_LENGTH are not spaces (runs of spaces are recorded as one).
JUSTIFICATION_SCHEMA = {
    "type": "string", "minLength": JUSTIFICATION_MIN_LENGTH, "maxLength": JUSTIFICATION_MAX_LENGTH,
    "pattern": rf"^\s*(?:\S\s*){{{JUSTIFICATION_MIN_LENGTH},}}$",
}
VICTIM_READ_PARAMETERS = [
    OpenApiParameter(JUSTIFICATION_HEADER, JUSTIFICATION_SCHEMA, OpenApiParameter.HEADER, required=False,
                     description="Why the records are read (ASCII)."),
    OpenApiParameter(JUSTIFICATION_PARAMETER, JUSTIFICATION_SCHEMA, OpenApiParameter.QUERY, required=False,
                     description=f"Why the records are read, when the {JUSTIFICATION_HEADER} header is not sent."),
]
_WHY = (
    "Possible victims' records are read only with a reason, recorded in the audit trail with the reader's name "
    f"(Article 25 of the Law Enforcement Directive): send it in the `{JUSTIFICATION_HEADER}` header or the "
    f"`{JUSTIFICATION_PARAMETER}` query parameter, at most {JUSTIFICATION_MAX_LENGTH} characters of which at least "
    f"{JUSTIFICATION_MIN_LENGTH} are not spaces. Without one the answer is 428 (`justification_required`) and "
    "nothing is read; one that says too little or too much is 400. Name no one in it: the trail keeps it after "
    "the records are erased."
)
JUSTIFICATION_REQUIRED = OpenApiResponse(ErrorSerializer, description="No justification was given: nothing was read.")

VICTIM_READ = extend_schema(
    summary="Read one of the possible victims (with a justification)",
    description=_WHY + " A record the user may not see is 404 either way.",
    parameters=VICTIM_READ_PARAMETERS,
    responses={200: VictimSerializer, 428: JUSTIFICATION_REQUIRED},
)
VICTIM_LIST = extend_schema(
    summary="List the possible victims the user may see (with a justification)",
    description=_WHY + " The records listed are named in the audit trail.",
    parameters=VICTIM_READ_PARAMETERS,
    responses={200: VictimSerializer(many=True), 428: JUSTIFICATION_REQUIRED},
)
VICTIM_EXPORT = extend_schema(
    summary="Export the possible victims the user may see as CSV (with a justification)",
    description=_WHY + " The records exported are named in the audit trail, as a disclosure.",
    parameters=VICTIM_READ_PARAMETERS,
    filters=True,
    responses={(200, "text/csv"): CSV_RESPONSE, 428: JUSTIFICATION_REQUIRED},
)


def victim_justification(request, *, required: bool = True) -> str:
    """The reason given for reading possible victims' records (or their evidence) through the API.

    428 when none is given and one is ``required``; ValidationError (400, naming the input) when one given
    says too little or too much — also where none is needed (a case bundle without victims), as the
    schema documents the parameter there too. "" when none is given nor needed.
    """
    given = {JUSTIFICATION_HEADER: request.headers.get(JUSTIFICATION_HEADER),
             JUSTIFICATION_PARAMETER: request.query_params.get(JUSTIFICATION_PARAMETER)}
    given = {name: text for name, text in given.items() if text is not None}
    if required and not any(text.strip() for text in given.values()):
        raise JustificationRequired()
    # Each one given is checked, as the schema documents each: a header that says enough does not make a
    # bad query parameter beside it good.
    errors = {name: [TOO_LITTLE_OR_TOO_MUCH] for name, text in given.items() if not _says_enough(text)}
    if errors:
        raise serializers.ValidationError(errors)
    if not given:
        return ""
    return clean_justification(given.get(JUSTIFICATION_HEADER) or given[JUSTIFICATION_PARAMETER])


TOO_LITTLE_OR_TOO_MUCH = (
    f"Say why in at most {JUSTIFICATION_MAX_LENGTH} characters, at least {JUSTIFICATION_MIN_LENGTH} of them other "
    "than spaces: the reason is recorded in the audit trail with your name."
)


def _says_enough(text: str) -> bool:
    said = len(text) - sum(c.isspace() for c in text)
    return len(text) <= JUSTIFICATION_MAX_LENGTH and said >= JUSTIFICATION_MIN_LENGTH
