"""Flask extensions, created unbound and initialised in create_app."""

from typing import TYPE_CHECKING

from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.db import Base
from app.i18n import RequestBabel
from app.security import rate_limit_key

# Objects stay readable after commit (a request ends soon after), instead of each one
# being read again from the database on the next attribute access.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# Every model subclasses Model. At run time it is Flask-SQLAlchemy's db.Model, built from Base
# (same registry, metadata and type map). Type checkers cannot take a class from an instance
# attribute (python/mypy#8603), so for them it is Base, which declares the same mapping API.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
babel = RequestBabel()
csrf = CSRFProtect()
login_manager = LoginManager()
htmx = HTMX()
limiter = Limiter(key_func=rate_limit_key, default_limits=[])
