"""REST API (flask-smorest) for training."""
from flask_smorest import Blueprint

blp = Blueprint("training_api", __name__, url_prefix="/api/v1/<tenant>/courses", description="Courses: sessions, enrolment, attendance")
