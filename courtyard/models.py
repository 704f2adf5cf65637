"""Imports every domain's models so that SQLAlchemy and Alembic see the whole schema."""
from .accounts.models import *  # noqa: F401,F403
from .places.models import *  # noqa: F401,F403
from .uploads.models import *  # noqa: F401,F403
from .deliberation.models import *  # noqa: F401,F403
from .notifications.models import *  # noqa: F401,F403
from .voting.models import *  # noqa: F401,F403
from .audit import AuditEntry  # noqa: F401
from .tasks.models import *  # noqa: F401,F403
from .insight.models import *  # noqa: F401,F403
from .search.models import *  # noqa: F401,F403
from .emergencies.models import *  # noqa: F401,F403
from .projects.models import *  # noqa: F401,F403
from .districts.models import *  # noqa: F401,F403
