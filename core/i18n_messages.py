"""Messages made by libraries, listed here so that they are extracted into the catalogue and can be
translated when an error is shown (marshmallow, HTTP statuses)."""
from flask_babel import lazy_gettext as _l

HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Sign in to continue."),
    403: _l("You do not have access to this page."),
    404: _l("The page was not found."),
    405: _l("The method is not allowed here."),
    409: _l("The change conflicts with the current state."),
    415: _l("The request must be sent as JSON."),
    422: _l("The request has invalid fields."),
    429: _l("Too many attempts. Wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing was saved."),
}

# marshmallow's and webargs' default messages (their exact English text is the msgid).
LIBRARY_MESSAGES = [
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Unknown field."),
    _l("Invalid input type."),
    _l("Not a valid string."),
    _l("Not a valid integer."),
    _l("Not a valid number."),
    _l("Not a valid boolean."),
    _l("Not a valid date."),
    _l("Not a valid datetime."),
    _l("Not a valid email address."),
    _l("Not a valid list."),
    _l("Not a valid mapping type."),
    _l("Invalid value."),
    _l("Length must be between {min} and {max}."),
    _l("Longer than maximum length {max}."),
    _l("Shorter than minimum length {min}."),
    _l("Must be greater than or equal to {min} and less than or equal to {max}."),
    _l("Must be greater than or equal to {min}."),
    _l("Must be less than or equal to {max}."),
    _l("Must be one of: {choices}."),
    _l("Invalid JSON body."),
    _l("The request has invalid fields."),
    _l("Error"),
]
