"""REST API (flask-smorest) for groups."""
from flask_smorest import Blueprint

blp = Blueprint("groups_api", __name__, url_prefix="/api/v1/<tenant>/group-meetings", description="Group meetings: invitations and attendance")
