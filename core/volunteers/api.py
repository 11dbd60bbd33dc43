"""REST API (flask-smorest) for volunteers."""
from flask_smorest import Blueprint

blp = Blueprint("volunteers_api", __name__, url_prefix="/api/v1/<tenant>/volunteers", description="Volunteers: profile, status, screening, eligibility")
